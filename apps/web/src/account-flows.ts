/**
 * Sign-up, "Forgot password?", reset and verification: forms built when
 * shown and removed when left, so the sign-in form's labels stay the page's
 * only "Username" and "Password" while it is shown.
 */
import { t } from "./i18n.js";
import { view } from "./view.js";

export interface Field {
  readonly name: string;
  readonly label: string;
  readonly type?: string;
  readonly autocomplete: string;
  readonly required?: boolean;
  readonly value?: string;
}

export interface FlowForm {
  readonly form: HTMLFormElement;
  value(name: string): string;
  /** Shows an error (role=alert) under the form. */
  fail(text: string): void;
}

/** Replaces the sign-in form with a form of `fields`; `onSubmit` gets the values. */
export function showFlow(
  id: string,
  title: string,
  fields: readonly Field[],
  submit: string,
  onSubmit: (form: FlowForm) => void,
  intro?: string,
  onBack: () => void = () => {
    view.form.hidden = false;
  },
): FlowForm {
  view.form.hidden = true;
  view.profile.hidden = true;
  const form = document.createElement("form");
  form.id = id;
  const heading = document.createElement("h2");
  heading.textContent = title;
  form.append(heading);
  if (intro) {
    const p = document.createElement("p");
    p.textContent = intro;
    form.append(p);
  }
  const inputs = new Map<string, HTMLInputElement>();
  for (const field of fields) {
    const label = document.createElement("label");
    label.htmlFor = `${id}-${field.name}`;
    label.textContent = field.label;
    const input = document.createElement("input");
    input.id = `${id}-${field.name}`;
    input.name = field.name;
    input.type = field.type ?? "text";
    input.autocomplete = field.autocomplete as AutoFill;
    input.required = field.required ?? true;
    input.value = field.value ?? "";
    input.maxLength = field.type === "password" ? 1024 : 254;
    inputs.set(field.name, input);
    form.append(label, input);
  }
  const button = document.createElement("button");
  button.type = "submit";
  button.textContent = submit;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = t("flow.back");
  cancel.addEventListener("click", () => {
    view.accountFlow.hidden = true;
    view.accountFlow.replaceChildren();
    onBack();
  });
  const actions = document.createElement("div");
  actions.className = "actions";
  actions.append(button, cancel);
  const error = document.createElement("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  form.append(actions, error);
  const flow: FlowForm = {
    form,
    value: (name) => inputs.get(name)?.value ?? "",
    fail(text) {
      error.hidden = false;
      error.textContent = text;
    },
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.hidden = true;
    onSubmit(flow);
  });
  view.accountFlow.replaceChildren(form);
  view.accountFlow.hidden = false;
  inputs.values().next().value?.focus();
  return flow;
}

/** What a mailed (or printed) link into the page is for. */
export type LinkKind = "reset" | "verify" | "setup" | "mfa-unlock" | "sign-in-link";

/**
 * The token of a mailed link (/reset-password?token=…, /verify-email?token=…,
 * /mfa-unlock?token=…, /sign-in-link?token=…), taken out of the address bar before anything else
 * runs: it stays out of the history and of any Referer.
 */
const LINK_PATHS: Record<string, LinkKind> = {
  "/reset-password": "reset",
  "/verify-email": "verify",
  "/mfa-unlock": "mfa-unlock",
  "/sign-in-link": "sign-in-link",
  "/setup": "setup",
};

export function takeLinkToken(): { kind: LinkKind; token: string } | undefined {
  const { pathname, search } = window.location;
  const kind = LINK_PATHS[pathname];
  if (!kind) return undefined;
  const token = new URLSearchParams(search).get("token");
  window.history.replaceState(null, "", "/");
  return token || kind === "setup" ? { kind, token: token ?? "" } : undefined;
}
