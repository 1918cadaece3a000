/**
 * Other providers (OpenID Connect): the sign-in form's "Sign in with …" links
 * (plain navigations to /auth/oidc/<name>/start; links, not buttons, so the
 * form's "Sign in" stays its only button of that name), and what the
 * provider's redirect back tells the page (`?error=`, `?mfa=`, `?linked=`),
 * taken out of the address bar before anything else runs.
 */
import type { TollgateClient } from "@tollgate/client-sdk";
import { view } from "./view.js";

export type Provider = Awaited<ReturnType<TollgateClient["auth"]["identities"]["providers"]["query"]>>[number];

/** What the page says for each code the callback can land with; the server's wording never reaches the page. */
const MESSAGES: Record<string, string> = {
  OIDC_STATE_INVALID: "That sign-in was not started here, expired or was already used. Please start again.",
  OIDC_DENIED: "The sign-in was cancelled or refused at the provider.",
  OIDC_CODE_INVALID: "The provider's answer expired or was already used. Please start again.",
  OIDC_TOKEN_INVALID: "The provider's answer could not be verified, so you were not signed in.",
  OIDC_PROVIDER_UNAVAILABLE: "The provider could not be reached. Please try again later.",
  OIDC_PROVIDER_UNKNOWN: "That provider is not configured here.",
  SIGNUP_CLOSED:
    "No account is linked to that identity, and sign-up is closed. Sign in another way, then link it under Security.",
  IDENTITY_TAKEN: "That identity is already linked to another account.",
  EMAIL_NOT_VERIFIED: "The provider gave no verified email address, which this server needs for a new account.",
  ACCOUNT_INACTIVE: "This account may not sign in.",
  SESSION_REVOKED: "Your session ended before the identity could be linked. Sign in and try again.",
  RATE_LIMITED: "Too many attempts. Please wait a while and try again.",
};

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
    return { kind: "error", message: `${MESSAGES[error] ?? "Signing in with the provider failed."} (${error})` };
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
      link.textContent = `Sign in with ${provider.label}`;
      return link;
    }),
  );
  view.providers.hidden = providers.length === 0;
}
