/**
 * Linked sign-in providers, beside the Security section: the identities
 * linked to the account (unlink each), and "Link <provider>" for the others.
 * Both are sensitive: after STEP_UP_MAX_AGE the server asks for a fresh proof
 * first, and `prove` (the step-up prompt) asks the user for it. Linking then
 * leaves the page for the provider and comes back with `?linked=`.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { errorText } from "./errors.js";
import { formatDate } from "./format.js";
import { t } from "./i18n.js";
import type { Provider } from "./providers.js";
import { view } from "./view.js";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createIdentitiesSection(api: TollgateClient, prove: ProveIdentity, providers: () => Provider[]) {
  const error = el("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  const fail = (e: unknown) => {
    error.hidden = false;
    error.textContent = errorText(e);
  };

  async function render(): Promise<void> {
    const configured = providers();
    if (configured.length === 0) {
      view.identities.replaceChildren();
      view.identities.removeAttribute("aria-labelledby");
      return;
    }
    const identities = await api.auth.identities.list.query();
    error.hidden = true;
    const list = el("ul");
    list.setAttribute("aria-label", t("identities.list"));
    for (const identity of identities) {
      const li = el("li");
      li.dataset.identityId = identity.id;
      const info = el("div", identity.label);
      const meta = el(
        "div",
        t("identities.linkedAt", {
          email: identity.email ?? t("identities.noAddress"),
          date: formatDate(identity.createdAt),
        }),
      );
      meta.className = "meta";
      info.append(meta);
      const unlink = el("button", t("identities.unlink"));
      unlink.type = "button";
      unlink.className = "secondary";
      unlink.setAttribute("aria-label", t("identities.unlinkLabel", { provider: identity.label }));
      unlink.addEventListener("click", () => {
        withStepUp(api, () => api.auth.identities.unlink.mutate({ id: identity.id }), prove).then(render, fail);
      });
      li.append(info, unlink);
      list.append(li);
    }
    const links = configured.map((provider) => {
      const link = el("button", t("identities.link", { provider: provider.label }));
      link.type = "button";
      link.className = "secondary";
      link.addEventListener("click", () => {
        withStepUp(api, () => api.auth.identities.linkStart.mutate({ provider: provider.name }), prove).then(
          ({ url }) => window.location.assign(url),
          fail,
        );
      });
      return link;
    });
    const actions = el("div");
    actions.className = "actions";
    actions.append(...links);
    const intro = el("p", identities.length === 0 ? t("identities.none") : t("identities.some"));
    const heading = el("h2", t("identities.heading"));
    heading.id = "identities-heading";
    view.identities.setAttribute("aria-labelledby", heading.id);
    view.identities.replaceChildren(heading, intro, list, actions, error);
  }

  return { render };
}
