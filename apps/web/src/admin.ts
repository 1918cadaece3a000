/**
 * The "Administration" section, for administrators only: admin.access (any
 * signed-in user may ask it, no step-up) decides whether it shows at all.
 * A search (admin.users.list: username, address or name, 50 a page; "Show
 * more" follows nextCursor) lists users; choosing one opens it below
 * (admin-user.ts). Every admin.users.* call goes through withStepUp, so an
 * administrator whose proof is older than STEP_UP_MAX_AGE is asked "Confirm
 * it is you" and the search or action then carries on.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { createUserPanel } from "./admin-user.js";
import { alertLine, button, el } from "./dom.js";
import { errorText } from "./errors.js";
import { t } from "./i18n.js";
import { view } from "./view.js";

type UserPage = Awaited<ReturnType<TollgateClient["admin"]["users"]["list"]["query"]>>;
type UserSummary = UserPage["users"][number];

function summary(user: UserSummary): string {
  const parts = [user.email ?? t("admin.noAddress"), t(user.isActive ? "admin.active" : "admin.disabled")];
  if (user.isAdmin) parts.push(t("admin.administrator"));
  return parts.join(" · ");
}

export function createAdminSection(api: TollgateClient, prove: ProveIdentity) {
  const section = view.admin;
  const error = alertLine();
  const status = el("p");
  status.setAttribute("role", "status");
  status.className = "meta";
  const results = el("ul");
  results.id = "admin-results";
  results.setAttribute("aria-label", t("admin.results"));
  let query = "";
  let cursor: string | null = null;

  const fail = (e: unknown): void => {
    error.hidden = false;
    error.textContent = errorText(e);
  };

  const panel = createUserPanel(api, prove, {
    fail,
    done(text) {
      error.hidden = true;
      status.textContent = text;
      // The list shows status and role too: search again so it matches what was just done.
      void search(false).catch(fail);
    },
    gone() {
      // The results are being searched again: the search field is the one place that stays.
      section.querySelector<HTMLInputElement>("#admin-query")?.focus();
    },
  });

  function item(user: UserSummary): HTMLLIElement {
    const li = el("li");
    li.dataset.userId = user.id;
    const open = button(user.username, () => {
      error.hidden = true;
      panel.open(user.id).catch(fail);
    });
    open.className = "link";
    const meta = el("div", summary(user));
    meta.className = "meta";
    li.append(open, meta);
    return li;
  }

  const more = button(t("admin.more"), () => {
    search(true).catch(fail);
  });
  more.hidden = true;

  /** The search's first page again (replacing the list), or its next page (`append`). */
  async function search(append: boolean): Promise<void> {
    const after = append ? (cursor ?? undefined) : undefined;
    const page = await withStepUp(
      api,
      () => api.admin.users.list.query({ ...(query ? { query } : {}), ...(after ? { cursor: after } : {}) }),
      prove,
    );
    const items = page.users.map(item);
    if (append) results.append(...items);
    else if (items.length > 0) results.replaceChildren(...items);
    else results.replaceChildren(el("li", t("admin.none")));
    cursor = page.nextCursor;
    more.hidden = cursor === null;
  }

  function build(): void {
    const heading = el("h2", t("admin.heading"));
    heading.id = "admin-heading";
    section.setAttribute("aria-labelledby", heading.id);
    const form = el("form");
    form.id = "admin-search";
    form.setAttribute("role", "search");
    const label = el("label", t("admin.query"));
    label.htmlFor = "admin-query";
    const input = el("input");
    input.id = "admin-query";
    input.type = "search";
    input.maxLength = 100;
    input.autocomplete = "off";
    const submit = el("button", t("admin.search"));
    submit.type = "submit";
    form.append(label, input, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      error.hidden = true;
      status.textContent = "";
      query = input.value.trim();
      search(false).catch(fail);
    });
    query = "";
    cursor = null;
    results.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    error.hidden = true;
    panel.close();
    section.replaceChildren(heading, el("p", t("admin.intro")), form, status, error, results, more, panel.panel);
  }

  /** After signing in: the section for an administrator, nothing at all for anyone else. */
  async function render(): Promise<void> {
    let admin = false;
    try {
      ({ admin } = await api.admin.access.query());
    } catch {
      // An older server without admin.access, or a failure: the rest of the page still loads.
      admin = false;
    }
    if (!admin) {
      section.hidden = true;
      section.replaceChildren();
      return;
    }
    // Rebuilt only when it was not showing: a profile reload keeps an administrator's search in place.
    if (section.hidden || section.childElementCount === 0) build();
    section.hidden = false;
  }

  return { render };
}
