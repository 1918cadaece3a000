/**
 * Other providers (OpenID Connect): the sign-in form's "Sign in with …" links
 * (plain navigations to /auth/oidc/<name>/start; links, not buttons, so the
 * form's "Sign in" stays its only button of that name), and what the
 * provider's redirect back tells the page (`?error=`, `?mfa=`, `?linked=`),
 * taken out of the address bar before anything else runs.
 */
import type { TollgateClient } from "@tollgate/client-sdk";
import { hasMessage, t } from "./i18n.js";
import { view } from "./view.js";

export type Provider = Awaited<ReturnType<TollgateClient["auth"]["identities"]["providers"]["query"]>>[number];

/** What the page says for each code the callback can land with (the catalogue's providerReturn); the server's wording never reaches the page. */
function providerMessage(code: string): string {
  const key = `providerReturn.${code}`;
  return hasMessage(key) && /^[A-Z_]+$/.test(code) ? t(key) : t("providerReturn.other");
}

export type ProviderReturn =
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "mfa"; readonly methods: string[] }
  | { readonly kind: "linked"; readonly provider: string };

export function takeProviderReturn(): ProviderReturn | undefined {
  if (window.location.pathname !== "/") return undefined;
  const params = new URLSearchParams(window.location.search);
  const error = params.get("error");
  const mfa = params.get("mfa");
  const linked = params.get("linked");
  if (error === null && mfa === null && linked === null) return undefined;
  window.history.replaceState(null, "", "/");
  if (error !== null) {
    return { kind: "error", message: `${providerMessage(error)} (${error})` };
  }
  if (mfa !== null) return { kind: "mfa", methods: mfa.split(",").filter(Boolean) };
  return { kind: "linked", provider: linked ?? "" };
}

/** The "Sign in with …" links under the sign-in form, one per configured provider. */
export function showProviderLinks(providers: readonly Provider[]): void {
  view.providers.replaceChildren(
    ...providers.map((provider) => {
      const link = document.createElement("a");
      link.href = `/auth/oidc/${encodeURIComponent(provider.name)}/start`;
      link.className = "provider";
      link.textContent = t("signIn.withProvider", { provider: provider.label });
      return link;
    }),
  );
  view.providers.hidden = providers.length === 0;
}
