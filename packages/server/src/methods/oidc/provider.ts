import type { OidcProviderSettings } from "../../oidc-config.js";

/** Who the provider says the user is, after every check passed. */
export interface ProviderIdentity {
  /** The provider's stable id of the user (`sub`). */
  readonly subject: string;
  readonly email: string | null;
  /** Only true when the provider asserts it (`email_verified: true`): never inferred. */
  readonly emailVerified: boolean;
  readonly givenName: string;
  readonly familyName: string;
  /** A name the provider suggests as a username (preferred_username, a login); may be taken or invalid here. */
  readonly preferredUsername: string | undefined;
}

/** What the browser's flow cookie carries back to the callback. */
export interface FlowChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

/**
 * One configured provider, whatever its protocol (OpenID Connect through
 * openid-client, GitHub's OAuth 2): where to send the browser, and how to turn
 * the callback into a checked identity.
 */
export interface SignInProvider {
  readonly settings: OidcProviderSettings;
  /** The provider's authorization URL for this flow (PKCE S256, state, nonce). */
  authorizationUrl(checks: FlowChecks & { readonly codeChallenge: string }): URL;
  /** Exchanges the callback's code and checks everything; throws AuthError (OIDC_* codes). */
  finish(query: URLSearchParams, checks: FlowChecks): Promise<ProviderIdentity>;
}
