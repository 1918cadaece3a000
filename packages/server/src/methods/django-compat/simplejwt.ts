import { AuthError } from "@tollgate/auth";
import { errors, jwtVerify } from "jose";

/** What SimpleJWT's settings say about its tokens (its defaults, and the two a deployment commonly changes). */
export interface SimpleJwtSettings {
  /** Django's SECRET_KEY (SimpleJWT's SIGNING_KEY default). */
  readonly secretKey: string;
  /** ALGORITHM: HMAC only, since the key is the shared SECRET_KEY. */
  readonly algorithm: "HS256" | "HS384" | "HS512";
  /** USER_ID_CLAIM (default `user_id`). */
  readonly userIdClaim: string;
}

export type SimpleJwtType = "access" | "refresh";

/** A SimpleJWT token that verified: signature, expiry, type. */
export interface SimpleJwtClaims {
  readonly tokenType: SimpleJwtType;
  readonly jti: string;
  /** The Django user id as text (SimpleJWT writes a number or, in newer versions, a string). */
  readonly djangoUserId: string;
  readonly expiresAt: Date;
  /**
   * SimpleJWT's REVOKE_TOKEN_CLAIM (`hash_password`, 5.3+ with
   * CHECK_REVOKE_TOKEN): the MD5 of the user's password hash when the token
   * was issued, so a password change in Django refuses the tokens before it.
   */
  readonly passwordHashDigest?: string;
}

/** SimpleJWT's TOKEN_TYPE_CLAIM and JTI_CLAIM defaults. */
const TOKEN_TYPE_CLAIM = "token_type";
const JTI_CLAIM = "jti";
const REVOKE_TOKEN_CLAIM = "hash_password";
const MAX_TOKEN_LENGTH = 4096;
const FUTURE_ISSUE_SLACK_MS = 60_000;
const DJANGO_ID = /^[A-Za-z0-9_-]{1,64}$/;

function refused(reason: string, cause?: unknown): AuthError {
  return new AuthError("TOKEN_INVALID", `SimpleJWT token refused: ${reason}`, { cause });
}

function userIdOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && DJANGO_ID.test(value)) return value;
  return undefined;
}

/**
 * Verifies a token the way SimpleJWT's `Token.__init__` does (jose, pinned
 * algorithm, no leeway): signature first, then `exp`, then the claims
 * SimpleJWT checks itself: `token_type` must be `type`, a `jti` must be
 * there, and the user id claim. `now` is the server's clock. Throws
 * AuthError TOKEN_INVALID or TOKEN_EXPIRED; never says which claim to forge.
 */
export async function verifySimpleJwt(
  token: string,
  type: SimpleJwtType,
  settings: SimpleJwtSettings,
  now: number,
): Promise<SimpleJwtClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw refused("too long");
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(settings.secretKey), {
      algorithms: [settings.algorithm],
      currentDate: new Date(now),
      requiredClaims: ["exp", TOKEN_TYPE_CLAIM, JTI_CLAIM, settings.userIdClaim],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new AuthError("TOKEN_EXPIRED", "SimpleJWT token refused: expired", { cause: error });
    }
    throw refused("not a valid SimpleJWT token", error);
  }
  // PyJWT refuses a token issued in the future; a minute of slack for the two servers' clocks.
  if (typeof payload.iat === "number" && payload.iat * 1000 > now + FUTURE_ISSUE_SLACK_MS) {
    throw refused("issued in the future");
  }
  if (payload[TOKEN_TYPE_CLAIM] !== type) throw refused(`not an ${type} token`);
  const jti = payload[JTI_CLAIM];
  if (typeof jti !== "string" || jti.length === 0 || jti.length > 255) throw refused("bad jti");
  const djangoUserId = userIdOf(payload[settings.userIdClaim]);
  if (djangoUserId === undefined) throw refused("bad user id claim");
  const digest = payload[REVOKE_TOKEN_CLAIM];
  return {
    tokenType: type,
    jti,
    djangoUserId,
    expiresAt: new Date((payload.exp as number) * 1000),
    ...(typeof digest === "string" ? { passwordHashDigest: digest } : {}),
  };
}
