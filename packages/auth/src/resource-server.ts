import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  jwtVerify,
} from "jose";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims, REQUIRED_CLAIMS } from "./access-token.js";
import { readAuthenticationClaims } from "./authentication-claims.js";
import { AuthError } from "./errors.js";
import { CLOCK_SKEW_SECONDS } from "./signing-key-lifecycle.js";
import { type AsymmetricAlgorithm, isAsymmetricAlgorithm } from "./signing-key-store.js";

/** The JWKS could not be fetched (network, timeout, not 200, not a key set): a 503 for the caller, not the token's fault. */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

export interface ResourceServerVerifierOptions {
  /** Tollgate's `/.well-known/jwks.json`, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  readonly jwksUrl: string | URL;
  /** Tollgate's TOKEN_ISSUER. */
  readonly issuer: string;
  /** Tollgate's TOKEN_AUDIENCE (this service must be the audience the tokens are for). */
  readonly audience: string;
  /** Tollgate's ACCESS_TOKEN_ALG: ["EdDSA"] or ["ES256"]. HS256 cannot be verified without the secret. */
  readonly algorithms: readonly AsymmetricAlgorithm[];
  /** Seconds of clock difference allowed for exp, nbf and iat (default 5). */
  readonly clockTolerance?: number;
  /** Seconds the fetched key set is used before it is fetched again (default 300, Tollgate's max-age). */
  readonly jwksCacheMaxAge?: number;
  /** A fetch implementation (a proxy, tests). */
  readonly fetch?: FetchImplementation;
}

export interface ResourceServerVerifier {
  /** The token's claims (with amr, auth_time and acr when it carries them); throws AuthError (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED) or JwksUnavailableError. */
  verify(token: string | undefined): Promise<AccessTokenClaims>;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${name} is required`);
  return value;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a number of seconds ≥ 0`);
  return value;
}

/**
 * Verifies Tollgate access tokens in another service, from Tollgate's public
 * keys (jose's createRemoteJWKSet: cached, fetched again for an unknown kid at
 * most every 30 s). Pinned: algorithms, `typ: at+jwt`, issuer, audience, a
 * `kid` naming a published key. Keys come only from `jwksUrl`; `jku`, `x5u` and
 * `jwk` headers are never followed. What it cannot know: whether the session
 * was ended since the token was issued (see docs/SECURITY.md).
 */
export function createResourceServerVerifier(options: ResourceServerVerifierOptions): ResourceServerVerifier {
  const url = new URL(options.jwksUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("jwksUrl must be an http(s) URL");
  const issuer = requireText(options.issuer, "issuer");
  const audience = requireText(options.audience, "audience");
  const algorithms = [...(options.algorithms ?? [])];
  if (algorithms.length === 0 || !algorithms.every(isAsymmetricAlgorithm)) {
    throw new TypeError('algorithms must list "EdDSA" and/or "ES256"');
  }
  const clockTolerance = seconds(options.clockTolerance, CLOCK_SKEW_SECONDS, "clockTolerance");
  const cacheMaxAge = seconds(options.jwksCacheMaxAge, 300, "jwksCacheMaxAge");
  const remote = createRemoteJWKSet(url, {
    cacheMaxAge: cacheMaxAge * 1000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });

  async function keyFor(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    if (typeof header.kid !== "string") throw new AuthError("TOKEN_INVALID", "Access token names no key");
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new AuthError("TOKEN_INVALID", "Access token names no published key", { cause: error });
      }
      throw new JwksUnavailableError(`The key set at ${url.href} is unavailable`, { cause: error });
    }
  }

  return {
    async verify(token) {
      if (typeof token !== "string" || token.length === 0) throw new AuthError("TOKEN_MISSING", "No access token");
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms,
          typ: ACCESS_TOKEN_TYPE,
          issuer,
          audience,
          clockTolerance,
          requiredClaims: REQUIRED_CLAIMS,
        });
        const { sub, sid, jti, iat, exp } = payload;
        if (typeof sid !== "string" || !sub || !jti || iat === undefined || exp === undefined) {
          throw new AuthError("TOKEN_INVALID", "Access token claims are malformed");
        }
        if (iat > Date.now() / 1000 + clockTolerance) {
          throw new AuthError("TOKEN_INVALID", "Access token was issued in the future");
        }
        // amr / auth_time / acr when the token has them: a service can ask for a level or a recent proof.
        return { sub, sid, jti, iat, exp, ...readAuthenticationClaims(payload) };
      } catch (error) {
        if (error instanceof AuthError || error instanceof JwksUnavailableError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw new AuthError("TOKEN_EXPIRED", "Access token has expired", { cause: error });
        }
        throw new AuthError("TOKEN_INVALID", "Access token is invalid", { cause: error });
      }
    },
  };
}
