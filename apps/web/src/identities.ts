/**
 * Linked sign-in providers, beside the Security section: the identities
 * linked to the account (unlink each), and "Link <provider>" for the others.
 * Both are sensitive: after STEP_UP_MAX_AGE the server asks for a fresh proof
 * first, and `prove` (the step-up prompt) asks the user for it. Linking then
 * leaves the page for the provider and comes back with `?linked=`.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import type { Provider } from "./providers.js";
import { view } from "./view.js";

const errorText = (error: unknown) => (error instanceof Error ? error.message : "Something went wrong");

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
      return;
    }
    const identities = await api.auth.identities.list.query();
    error.hidden = true;
    const list = el("ul");
    list.setAttribute("aria-label", "Linked sign-in providers");
    for (const identity of identities) {
      const li = el("li");
      li.dataset.identityId = identity.id;
      const info = el("div", identity.label);
      const meta = el(
        "div",
        `${identity.email ?? "no address given"} · linked ${new Date(identity.createdAt).toLocaleString()}`,
      );
      meta.className = "meta";
      info.append(meta);
      const unlink = el("button", "Unlink");
      unlink.type = "button";
      unlink.className = "secondary";
      unlink.setAttribute("aria-label", `Unlink ${identity.label}`);
      unlink.addEventListener("click", () => {
        withStepUp(api, () => api.auth.identities.unlink.mutate({ id: identity.id }), prove).then(render, fail);
      });
      li.append(info, unlink);
      list.append(li);
    }
    const links = configured.map((provider) => {
      const link = el("button", `Link ${provider.label}`);
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
    const intro = el(
      "p",
      identities.length === 0 ? "No provider linked yet." : "You can sign in with any of these providers.",
    );
    view.identities.replaceChildren(el("h2", "Sign-in providers"), intro, list, actions, error);
  }

  return { render };
}
