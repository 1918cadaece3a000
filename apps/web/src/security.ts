/**
 * The "Security" section: turn two-step sign-in (TOTP) on with the password,
 * then a QR code and a code from the app; show the recovery codes once; new
 * recovery codes with the password and a code; turn it off with the password.
 */
import type { TollgateClient } from "@tollgate/client-sdk";
import { showFlow } from "./account-flows.js";
import { errorText } from "./errors.js";
import { formatNumber } from "./format.js";
import { t } from "./i18n.js";
import { view } from "./view.js";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text: string, onClick: () => void, secondary = false): HTMLButtonElement {
  const b = el("button", text);
  b.type = "button";
  if (secondary) b.className = "secondary";
  b.addEventListener("click", onClick);
  return b;
}

function heading(): HTMLHeadingElement {
  const h2 = el("h2", t("security.heading"));
  h2.id = "security-heading";
  view.security.setAttribute("aria-labelledby", h2.id);
  return h2;
}

export function createSecuritySection(api: TollgateClient, onChanged: () => void) {
  const error = el("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  const fail = (e: unknown) => {
    error.hidden = false;
    error.textContent = errorText(e);
  };

  function showRecoveryCodes(codes: string[]): void {
    const intro = el("p", t("security.recoveryIntro"));
    const list = el("ol");
    list.id = "recovery-codes";
    list.setAttribute("aria-label", t("security.recoveryCodes"));
    list.append(...codes.map((code) => el("li", code)));
    view.security.append(intro, list);
  }

  /** The password first: the server shows no secret to a session alone (a stolen one must not enrol). */
  function askPassword(): void {
    showFlow(
      "totp-on",
      t("security.setUpTitle"),
      [{ name: "password", label: t("security.password"), type: "password", autocomplete: "current-password" }],
      t("security.continue"),
      (flow) => {
        api.auth.mfa.totp.begin.mutate({ password: flow.value("password") }).then(
          (enrolment) => {
            view.accountFlow.hidden = true;
            view.accountFlow.replaceChildren();
            view.profile.hidden = false;
            showEnrolment(enrolment);
          },
          (e: unknown) => flow.fail(errorText(e)),
        );
      },
      t("security.setUpIntro"),
      () => {
        view.profile.hidden = false;
      },
    );
  }

  function showEnrolment({ secret, qrSvg }: { secret: string; qrSvg: string }): void {
    const img = el("img");
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg)}`;
    img.alt = t("security.qrAlt");
    img.width = 200;
    img.height = 200;
    const secretLine = el("p", t("security.secret"));
    const code = el("code", secret);
    code.dataset.testid = "totp-secret";
    secretLine.append(code);
    const label = el("label", t("security.appCode"));
    label.htmlFor = "totp-code";
    const input = el("input");
    input.id = "totp-code";
    input.autocomplete = "one-time-code";
    input.inputMode = "numeric";
    input.maxLength = 6;
    const confirm = button(t("security.turnOn"), () => {
      api.auth.mfa.totp.confirm.mutate({ code: input.value.trim() }).then(async ({ recoveryCodes }) => {
        await render();
        showRecoveryCodes(recoveryCodes);
      }, fail);
    });
    view.security.replaceChildren(heading(), img, secretLine, label, input, confirm, error);
    input.focus();
  }

  /**
   * The password and a fresh code: the server checks the password first, so a
   * stolen session alone neither gets codes nor counts wrong codes towards the lock.
   */
  function regenerate(): void {
    showFlow(
      "recovery-codes-new",
      t("security.newCodesTitle"),
      [
        { name: "password", label: t("security.password"), type: "password", autocomplete: "current-password" },
        { name: "code", label: t("security.appCode"), autocomplete: "one-time-code" },
      ],
      t("security.newCodesSubmit"),
      (flow) => {
        const input = { password: flow.value("password"), code: flow.value("code").trim() };
        api.auth.mfa.recoveryCodes.regenerate.mutate(input).then(
          async ({ recoveryCodes }) => {
            // The section is rebuilt before it is shown again: the old codes, hidden under the
            // form, must never reappear (not even for a frame) beside the new ones.
            await render();
            showRecoveryCodes(recoveryCodes);
            view.accountFlow.hidden = true;
            view.accountFlow.replaceChildren();
            view.profile.hidden = false;
          },
          (e: unknown) => flow.fail(errorText(e)),
        );
      },
      t("security.newCodesIntro"),
      () => {
        view.profile.hidden = false;
      },
    );
  }

  function disable(): void {
    showFlow(
      "totp-off",
      t("security.turnOffTitle"),
      [{ name: "password", label: t("security.password"), type: "password", autocomplete: "current-password" }],
      t("security.turnOffSubmit"),
      (flow) => {
        api.auth.mfa.totp.disable.mutate({ password: flow.value("password") }).then(
          () => {
            view.accountFlow.hidden = true;
            view.accountFlow.replaceChildren();
            onChanged();
          },
          (e: unknown) => flow.fail(errorText(e)),
        );
      },
      undefined,
      onChanged,
    );
  }

  async function render(): Promise<void> {
    const status = await api.auth.mfa.status.query();
    error.hidden = true;
    const line = el(
      "p",
      status.totp ? t("security.on", { count: formatNumber(status.recoveryCodesLeft) }) : t("security.off"),
    );
    line.id = "mfa-status";
    const actions = el("div");
    actions.className = "actions";
    if (status.totp) {
      actions.append(button(t("security.newCodes"), regenerate, true), button(t("security.turnOff"), disable, true));
    } else {
      actions.append(button(t("security.setUp"), askPassword));
    }
    view.security.replaceChildren(heading(), line, actions, error);
  }

  return { render };
}
