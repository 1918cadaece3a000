import { createHash } from "node:crypto";
import { AuthError, isDjangoHash } from "@tollgate/auth";
import type { ServerConfig } from "../../config.js";
import type { Context } from "../../context.js";
import type { UserWithHash } from "../../stores/user-store.js";
import { type SimpleJwtClaims, type SimpleJwtSettings, type SimpleJwtType, verifySimpleJwt } from "./simplejwt.js";
import { createDjangoStore, type DjangoStore } from "./store.js";
import { djangoTables } from "./tables.js";

/** A SimpleJWT token Tollgate accepted, and the imported user it stands for. */
export interface AcceptedDjangoToken {
  readonly claims: SimpleJwtClaims;
  readonly user: UserWithHash;
}

export function djangoStoreOf(ctx: Context): DjangoStore {
  return createDjangoStore(djangoTables(ctx.services.database), ctx.services.now);
}

/** SimpleJWT's settings, when this server accepts Django's tokens at all (DJANGO_SECRET_KEY set). */
export function simpleJwtSettings(config: ServerConfig): SimpleJwtSettings | undefined {
  if (config.djangoSecretKey === undefined) return undefined;
  return {
    secretKey: config.djangoSecretKey,
    algorithm: config.djangoJwtAlgorithm,
    userIdClaim: config.djangoJwtUserIdClaim,
  };
}

/** Whether SimpleJWT tokens may be accepted now: a key is set and the cutover window is still open. */
export function djangoTokensAccepted(ctx: Context): boolean {
  const { config, now } = ctx.services;
  return (
    simpleJwtSettings(config) !== undefined &&
    config.djangoCutoverUntil !== undefined &&
    now() < config.djangoCutoverUntil
  );
}

/**
 * A SimpleJWT token of `type`, accepted only: inside the cutover window,
 * signed with DJANGO_SECRET_KEY and unexpired (simplejwt.ts), its jti
 * neither blacklisted nor listed as another user's in the imported
 * token_blacklist tables, for a Django user
 * that was imported (mapped), has not changed the password or signed out
 * everywhere since, and is active in Tollgate. Anything else is
 * AuthError TOKEN_INVALID / TOKEN_EXPIRED.
 */
export async function acceptDjangoToken(
  ctx: Context,
  token: string,
  type: SimpleJwtType,
): Promise<AcceptedDjangoToken> {
  const settings = simpleJwtSettings(ctx.services.config);
  if (!settings || !djangoTokensAccepted(ctx)) {
    throw new AuthError(
      "TOKEN_INVALID",
      "SimpleJWT tokens are not accepted (no DJANGO_SECRET_KEY, or the cutover window ended)",
    );
  }
  const claims = await verifySimpleJwt(token, type, settings, ctx.services.now());
  const store = djangoStoreOf(ctx);
  if (await store.isBlacklisted(claims.jti))
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: blacklisted");
  if (await store.listedForAnother(claims.jti, claims.djangoUserId)) {
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: its jti is another user's outstanding token");
  }
  const userId = await store.userIdOf(claims.djangoUserId);
  if (userId === undefined) {
    throw new AuthError(
      "TOKEN_INVALID",
      "SimpleJWT token refused: its user was not imported, or ended every session since",
    );
  }
  const user = await ctx.services.users.findById(userId);
  if (!user?.isActive) throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: the user is inactive or gone");
  if (!issuedForCurrentPassword(claims, user)) {
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: the password changed since it was issued");
  }
  return { claims, user };
}

/**
 * SimpleJWT's CHECK_REVOKE_TOKEN, as Django checks it: the token's
 * `hash_password` must be the MD5 (upper-case hex) of the user's password
 * hash. Checked while Tollgate still holds the Django hash it imported;
 * once the user has signed in here (argon2id) or changed the password here,
 * Tollgate's own rule ends the tokens instead (a password change revokes them).
 */
function issuedForCurrentPassword(claims: SimpleJwtClaims, user: UserWithHash): boolean {
  if (claims.passwordHashDigest === undefined || !isDjangoHash(user.passwordHash)) return true;
  const digest = createHash("md5").update(user.passwordHash).digest("hex");
  return claims.passwordHashDigest.toLowerCase() === digest;
}
