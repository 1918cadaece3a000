import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import type { HttpAnswer } from "../../http/answer.js";
import type { User } from "../../stores/user-store.js";
import { ACCESS_NOT_VALID, drf, NOT_AUTHENTICATED, unauthorized } from "./answers.js";
import { DJANGO_ACCESS_COOKIE } from "./cookies.js";
import { acceptDjangoToken, djangoStoreOf, djangoTokensAccepted } from "./django-token.js";
import { presentedAccessToken } from "./request-checks.js";

/**
 * The access cookies a request may carry, in the order they are trusted:
 * Tollgate's own first when its name differs (COOKIE_SECURE: `__Host-access_token`,
 * which no sibling subdomain can set), then the reference's.
 */
export function accessCookieNames(ctx: Context): string[] {
  const own = ctx.services.auth.cookies.names.accessToken;
  return own === DJANGO_ACCESS_COOKIE ? [own] : [own, DJANGO_ACCESS_COOKIE];
}

/** A Tollgate access token: verified, its session not ended, its user active. */
async function tollgateUser(ctx: Context, token: string): Promise<{ user: User; sessionId: string }> {
  const { auth, users } = ctx.services;
  const claims = await auth.accessTokens.verify(token);
  await auth.revocations.check(claims.sid);
  const user = await users.findById(claims.sub);
  if (!user?.isActive) throw new AuthError("TOKEN_INVALID", "The account no longer exists or is inactive");
  return { user, sessionId: claims.sid };
}

/**
 * The user an access token stands for: Tollgate's own, else (inside the
 * cutover window) a SimpleJWT access token of an imported user. Throws
 * AuthError when neither accepts it.
 */
export async function userOfAccessToken(ctx: Context, token: string): Promise<{ user: User; sessionId?: string }> {
  try {
    return await tollgateUser(ctx, token);
  } catch (error) {
    if (!(error instanceof AuthError) || !djangoTokensAccepted(ctx)) throw error;
    return { user: (await acceptDjangoToken(ctx, token, "access")).user };
  }
}

/**
 * The `id` the old front end knows: the Django id for an imported user (a
 * number when Django's was), Tollgate's id for a user Tollgate created.
 */
async function referenceId(ctx: Context, user: User): Promise<number | string> {
  const djangoId = await djangoStoreOf(ctx).djangoIdOf(user.id);
  if (djangoId === undefined) return user.id;
  return /^\d{1,15}$/.test(djangoId) ? Number(djangoId) : djangoId;
}

/** GET /accounts/user/: `{ id, username, first_name, last_name }` for the access cookie's or Bearer token's user. */
export async function currentUser(ctx: Context, headers: Headers): Promise<HttpAnswer> {
  headers.set("Cache-Control", "no-store");
  const presented = presentedAccessToken(ctx, accessCookieNames(ctx));
  if ("none" in presented) return unauthorized(NOT_AUTHENTICATED, headers);
  if ("refused" in presented) return unauthorized(presented.refused, headers);
  let user: User;
  try {
    ({ user } = await userOfAccessToken(ctx, presented.token));
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    return unauthorized(ACCESS_NOT_VALID, headers);
  }
  ctx.log.userId = user.id;
  return drf(
    200,
    { id: await referenceId(ctx, user), username: user.username, first_name: user.firstName, last_name: user.lastName },
    headers,
  );
}
