import { type CryptoKey, errors, type JWTHeaderParameters, jwtVerify, SignJWT } from "jose";
import {
  type AuthenticationClaims,
  type AuthenticationProof,
  authenticationClaimsOf,
  readAuthenticationClaims,
} from "./authentication-claims.js";
import { randomToken } from "./encoding.js";
import { AuthError } from "./errors.js";
import type { Keyring } from "./keyring.js";
import { CLOCK_SKEW_SECONDS } from "./signing-key-lifecycle.js";
import type { SigningKeyRing } from "./signing-key-ring.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

/** RFC 9068 media type: an access token cannot be confused with any other JWT. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** A token longer than this is refused before any parsing (a real one is ~350 bytes). */
const MAX_TOKEN_LENGTH = 4096;
/** Claims every access token carries (sid is checked to be a string after verification). */
export const REQUIRED_CLAIMS = ["sub", "sid", "jti", "iat", "exp"];

/** `amr`, `auth_time`, `acr`: present on every token issued since step-up (see authentication-claims.ts). */
export interface AccessTokenClaims extends AuthenticationClaims {
  /** User id. */
  readonly sub: string;
  /** Session id. */
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/** A verified token as the cache keeps it. */
interface Verified {
  readonly claims: AccessTokenClaims;
  readonly exp: number;
  /** Asymmetric keys: the key it was verified with. */
  readonly kid: string | undefined;
}

export interface AccessTokenOptions {
  /** HS256 keys (AUTH_SECRET and the previous ones): sign and verify unless `signingKeys` is given. */
  readonly keyring: Keyring;
  /** Asymmetric keys (EdDSA / ES256): then they alone sign and verify, by `kid`, and HS256 is refused. */
  readonly signingKeys?: SigningKeyRing;
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

export interface AccessTokenSubject {
  readonly userId: string;
  readonly sessionId: string;
  /** How and when the session's user proved who they are; the token carries it as amr / auth_time / acr. */
  readonly proof?: AuthenticationProof;
}

export interface AccessTokens {
  issue(subject: AccessTokenSubject): Promise<IssuedAccessToken>;
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
  const { signingKeys } = options;
  const algorithms = [signingKeys?.algorithm ?? "HS256"];
  /** Asymmetric: the kid a token was verified with, so a cached token goes once its key is no longer accepted. */
  const cache = createVerifiedTokenCache<Verified>(options.cacheSize ?? 10_000);

  function signer(): { header: JWTHeaderParameters; key: CryptoKey } {
    if (!signingKeys) {
      return { header: { alg: "HS256", typ: ACCESS_TOKEN_TYPE }, key: options.keyring.current.accessToken };
    }
    const { kid, key } = signingKeys.signingKey();
    return { header: { alg: signingKeys.algorithm, typ: ACCESS_TOKEN_TYPE, kid }, key };
  }

  async function issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
    const iat = Math.floor(now() / 1000);
    const exp = iat + options.ttl;
    const { header, key } = signer();
    const token = await new SignJWT({ sid: subject.sessionId, ...authenticationClaimsOf(subject.proof) })
      .setProtectedHeader(header)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(subject.userId)
      .setJti(randomToken(16))
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key);
    return { token, expiresAt: exp * 1000 };
  }

  /**
   * The asymmetric key a token names by `kid`; jose calls this after checking
   * `alg` against the pinned list. jku, x5u, jwk and x5c headers are never
   * read: keys come only from the ring.
   */
  function keyByKid(ring: SigningKeyRing) {
    return (header: JWTHeaderParameters): CryptoKey => {
      const key = typeof header.kid === "string" ? ring.verificationKey(header.kid) : undefined;
      if (!key) throw new AuthError("TOKEN_INVALID", "Access token names no key this server accepts");
      return key;
    };
  }

  async function verifyWith(token: string, index: number): Promise<Verified> {
    const keys = signingKeys ? keyByKid(signingKeys) : options.keyring.all[index]?.accessToken;
    if (!keys) throw new AuthError("TOKEN_INVALID", "Access token signature is invalid");
    try {
      // jose checks, in order: alg against the pinned list, signature, then
      // typ, iss, aud, exp/nbf/iat and the required claims.
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        algorithms,
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: REQUIRED_CLAIMS,
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
      const authentication = readAuthenticationClaims(payload);
      return {
        claims: { sub, sid, jti, iat, exp, ...authentication },
        exp,
        kid: signingKeys ? protectedHeader.kid : undefined,
      };
    } catch (error) {
      if (!signingKeys && error instanceof errors.JWSSignatureVerificationFailed) {
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
    if (cached && (cached.kid === undefined || signingKeys?.verificationKey(cached.kid))) return cached.claims;
    const verified = await verifyWith(token, 0);
    cache.set(token, verified);
    return verified.claims;
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
