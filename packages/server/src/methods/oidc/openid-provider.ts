import { AuthError } from "@tollgate/auth";
import * as client from "openid-client";
import { isLoopbackHost, type OidcProviderSettings } from "../../oidc-config.js";
import type { ProviderIdentity, SignInProvider } from "./provider.js";

/** Seconds a provider's discovery, token and userinfo requests may take. */
const PROVIDER_TIMEOUT = 10;

/**
 * A provider that speaks OpenID Connect, through openid-client (discovery,
 * authorization code with PKCE S256, state and nonce, ID token validation:
 * issuer, audience, signature, expiry, nonce; then userinfo). Plain HTTP is
 * allowed only to a loopback issuer (development, tests).
 */
export async function discoverOpenIdProvider(settings: OidcProviderSettings): Promise<SignInProvider> {
  const issuer = new URL(settings.issuer ?? "");
  const insecure = issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
  const configuration = await client.discovery(
    issuer,
    settings.clientId,
    settings.clientSecret,
    client.ClientSecretBasic(settings.clientSecret),
    { timeout: PROVIDER_TIMEOUT, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
  );
  return {
    settings,
    authorizationUrl(checks) {
      return client.buildAuthorizationUrl(configuration, {
        redirect_uri: checks.redirectUri,
        scope: settings.scopes.join(" "),
        code_challenge: checks.codeChallenge,
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
    },
    async finish(query, checks) {
      const callbackUrl = new URL(checks.redirectUri);
      callbackUrl.search = query.toString();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(
          configuration,
          callbackUrl,
          {
            pkceCodeVerifier: checks.codeVerifier,
            expectedState: checks.state,
            expectedNonce: checks.nonce,
            idTokenExpected: true,
          },
          { redirect_uri: checks.redirectUri },
        );
      } catch (error) {
        throw failureOf(error);
      }
      const claims = tokens.claims();
      if (!claims) throw new AuthError("OIDC_TOKEN_INVALID", "The provider sent no ID token");
      let info: client.UserInfoResponse | undefined;
      if (configuration.serverMetadata().userinfo_endpoint) {
        try {
          // The subject must match the ID token's (openid-client checks it): userinfo never names someone else.
          info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        } catch (error) {
          throw failureOf(error);
        }
      }
      return identityOf({ ...info, ...claims });
    },
  };
}

/**
 * The identity from the ID token's claims (which win: they are signed) and
 * userinfo's. `email_verified` counts only when it is the boolean true.
 */
function identityOf(claims: Record<string, unknown>): ProviderIdentity {
  const text = (key: string) => (typeof claims[key] === "string" ? (claims[key] as string) : undefined);
  const email = text("email") ?? null;
  return {
    subject: String(claims.sub),
    email,
    emailVerified: email !== null && claims.email_verified === true,
    givenName: text("given_name") ?? "",
    familyName: text("family_name") ?? "",
    preferredUsername: text("preferred_username"),
  };
}

/** What went wrong, as the account page's code; the library's message stays in the log (the cause). */
function failureOf(error: unknown): AuthError {
  if (error instanceof client.AuthorizationResponseError) {
    return new AuthError("OIDC_DENIED", `The provider refused the sign-in (${error.error})`, { cause: error });
  }
  if (error instanceof client.ResponseBodyError) {
    return error.error === "invalid_grant"
      ? new AuthError("OIDC_CODE_INVALID", "The provider refused the code: expired, used or not this flow's", {
          cause: error,
        })
      : new AuthError("OIDC_PROVIDER_UNAVAILABLE", `The provider refused the request (${error.error})`, {
          cause: error,
        });
  }
  const code = error instanceof client.ClientError ? error.code : undefined;
  if (
    code === "OAUTH_JWT_CLAIM_COMPARISON_FAILED" ||
    code === "OAUTH_JWT_TIMESTAMP_CHECK_FAILED" ||
    code === "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED" ||
    code === "OAUTH_KEY_SELECTION_FAILED" ||
    code === "OAUTH_INVALID_RESPONSE"
  ) {
    return new AuthError("OIDC_TOKEN_INVALID", "The provider's ID token does not verify", { cause: error });
  }
  return new AuthError("OIDC_PROVIDER_UNAVAILABLE", "The provider could not be reached or answered badly", {
    cause: error,
  });
}
