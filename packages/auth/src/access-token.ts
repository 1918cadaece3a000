import { errors, jwtVerify, SignJWT } from "jose";
import { randomToken } from "./encoding.js";
import { AuthError } from "./errors.js";
import type { Keyring } from "./keyring.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

/** RFC 9068 media type: an access token cannot be confused with any other JWT. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
const ALGORITHMS = ["HS256"];
/** A token longer than this is refused before any parsing (a real one is ~350 bytes). */
const MAX_TOKEN_LENGTH = 4096;
/** Instances of one deployment may disagree on the time by this much. */
const CLOCK_SKEW_SECONDS = 5;

export interface AccessTokenClaims {
  /** User id. */
  readonly sub: string;
  /** Session id. */
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export interface AccessTokenOptions {
  readonly keyring: Keyring;
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime in seconds. */
  readonly ttl: number;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Verified tokens remembered until they expire (default 10,000; 0 turns the cache off). */
  readonly cacheSize?: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface AccessTokens {
  issue(subject: { userId: string; sessionId: string }): Promise<IssuedAccessToken>;
  verify(token: string): Promise<AccessTokenClaims>;
}

export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  if (!Number.isInteger(options.ttl) || options.ttl <= 0) {
    throw new TypeError("ttl must be a positive whole number of seconds");
  }
  if (!options.issuer || !options.audience) {
    throw new TypeError("issuer and audience are required");
  }
  const now = options.now ?? Date.now;
  const cache = createVerifiedTokenCache<AccessTokenClaims>(options.cacheSize ?? 10_000);

  async function issue(subject: { userId: string; sessionId: string }): Promise<IssuedAccessToken> {
    const iat = Math.floor(now() / 1000);
    const exp = iat + options.ttl;
    const token = await new SignJWT({ sid: subject.sessionId })
      .setProtectedHeader({ alg: "HS256", typ: ACCESS_TOKEN_TYPE })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(subject.userId)
      .setJti(randomToken(16))
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(options.keyring.current.accessToken);
    return { token, expiresAt: exp * 1000 };
  }

  async function verifyWith(token: string, index: number): Promise<AccessTokenClaims> {
    const keys = options.keyring.all[index];
    if (!keys) throw new AuthError("TOKEN_INVALID", "Access token signature is invalid");
    try {
      // jose checks, in order: alg against the pinned list, signature, then
      // typ, iss, aud, exp/nbf/iat and the required claims.
      const { payload } = await jwtVerify(token, keys.accessToken, {
        algorithms: ALGORITHMS,
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "sid", "jti", "iat", "exp"],
        currentDate: new Date(now()),
      });
      const { sub, sid, jti, iat, exp } = payload;
      if (typeof sid !== "string" || !sub || !jti || iat === undefined || exp === undefined) {
        throw new AuthError("TOKEN_INVALID", "Access token claims are malformed");
      }
      // jose accepts an iat in the future; a token from the future was not issued by this clock.
      if (iat > Math.floor(now() / 1000) + CLOCK_SKEW_SECONDS) {
        throw new AuthError("TOKEN_INVALID", "Access token was issued in the future");
      }
      return { sub, sid, jti, iat, exp };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        // Signed with a retired secret still listed? Try the next key.
        return verifyWith(token, index + 1);
      }
      throw toAuthError(error);
    }
  }

  async function verify(token: string): Promise<AccessTokenClaims> {
    if (typeof token !== "string" || token.length === 0) {
      throw new AuthError("TOKEN_MISSING", "No access token");
    }
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new AuthError("TOKEN_INVALID", "Access token is too long");
    }
    const cached = cache.get(token, Math.floor(now() / 1000));
    if (cached) return cached;
    const claims = await verifyWith(token, 0);
    cache.set(token, claims);
    return claims;
  }

  return { issue, verify };
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthError("TOKEN_EXPIRED", "Access token has expired", { cause: error });
  }
  return new AuthError("TOKEN_INVALID", "Access token is invalid", { cause: error });
}
