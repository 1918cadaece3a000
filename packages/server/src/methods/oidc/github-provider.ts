import { AuthError } from "@tollgate/auth";
import { ArcticFetchError, CodeChallengeMethod, OAuth2Client, OAuth2RequestError } from "arctic";
import type { OidcProviderSettings } from "../../oidc-config.js";
import type { ProviderIdentity, SignInProvider } from "./provider.js";

/** GitHub's documented OAuth 2 endpoints (it speaks no OpenID Connect: no ID token, no discovery). */
const AUTHORIZE = "https://github.com/login/oauth/authorize";
const TOKEN = "https://github.com/login/oauth/access_token";
const API = "https://api.github.com";
/** Milliseconds GitHub's API may take to answer. */
const API_TIMEOUT = 10_000;

/** What GET /user gives that Tollgate reads. */
export interface GitHubUser {
  readonly id: number;
  readonly login: string;
  readonly name?: string | null;
}

/** One entry of GET /user/emails (scope user:email). */
export interface GitHubEmail {
  readonly email: string;
  readonly primary: boolean;
  readonly verified: boolean;
}

/**
 * GitHub through arctic's OAuth 2 client: authorization code with PKCE S256
 * and `state` (no nonce: there is no ID token to carry one), then the user
 * and their addresses from GitHub's API with the access token. The identity
 * is GitHub's numeric user id (a login can be renamed and reused); the
 * address is the primary one, verified only when GitHub says so.
 */
export function gitHubProvider(settings: OidcProviderSettings): SignInProvider {
  return {
    settings,
    authorizationUrl(checks) {
      const client = new OAuth2Client(settings.clientId, settings.clientSecret, checks.redirectUri);
      return client.createAuthorizationURLWithPKCE(
        AUTHORIZE,
        checks.state,
        CodeChallengeMethod.S256,
        checks.codeVerifier,
        [...settings.scopes],
      );
    },
    async finish(query, checks) {
      const error = query.get("error");
      if (error !== null) throw new AuthError("OIDC_DENIED", `GitHub refused the sign-in (${error})`);
      const code = query.get("code");
      if (!code) throw new AuthError("OIDC_CODE_INVALID", "GitHub's answer carries no code");
      const client = new OAuth2Client(settings.clientId, settings.clientSecret, checks.redirectUri);
      let accessToken: string;
      try {
        accessToken = (await client.validateAuthorizationCode(TOKEN, code, checks.codeVerifier)).accessToken();
      } catch (cause) {
        if (cause instanceof OAuth2RequestError) {
          throw new AuthError("OIDC_CODE_INVALID", "GitHub refused the code: expired, used or not this flow's", {
            cause,
          });
        }
        throw unavailable(cause);
      }
      const [user, emails] = await Promise.all([
        api<GitHubUser>("/user", accessToken),
        api<GitHubEmail[]>("/user/emails", accessToken),
      ]);
      return gitHubIdentity(user, emails);
    },
  };
}

/** The identity from GitHub's answers: its numeric id, the primary address and whether GitHub verified it. */
export function gitHubIdentity(user: GitHubUser, emails: readonly GitHubEmail[]): ProviderIdentity {
  if (!Number.isSafeInteger(user.id)) throw new AuthError("OIDC_TOKEN_INVALID", "GitHub's user has no id");
  const primary = emails.find((entry) => entry.primary);
  const [given = "", ...rest] = (user.name ?? "").trim().split(/\s+/);
  return {
    subject: String(user.id),
    email: primary?.email ?? null,
    emailVerified: primary?.verified === true,
    givenName: given,
    familyName: rest.join(" "),
    preferredUsername: user.login,
  };
}

async function api<T>(path: string, accessToken: string): Promise<T> {
  let answer: Response;
  try {
    answer = await fetch(`${API}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: "application/vnd.github+json",
        "user-agent": "tollgate",
      },
      signal: AbortSignal.timeout(API_TIMEOUT),
    });
  } catch (cause) {
    throw unavailable(cause);
  }
  if (!answer.ok) throw unavailable(new Error(`GitHub's API answered ${answer.status} to ${path}`));
  return (await answer.json()) as T;
}

function unavailable(cause: unknown): AuthError {
  const what = cause instanceof ArcticFetchError ? "could not be reached" : "answered badly";
  return new AuthError("OIDC_PROVIDER_UNAVAILABLE", `GitHub ${what}`, { cause });
}
