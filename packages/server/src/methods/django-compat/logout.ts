import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import type { HttpAnswer } from "../../http/answer.js";
import { drf, LOGGED_OUT } from "./answers.js";
import { DJANGO_REFRESH_COOKIE, withDjangoCookies } from "./cookies.js";
import { accessCookieNames, userOfAccessToken } from "./current-user.js";
import { acceptDjangoToken, djangoStoreOf, djangoTokensAccepted } from "./django-token.js";
import { isJwt, presentedAccessToken } from "./request-checks.js";

/** The session the request's cookies name: its access token's, else its refresh token's. */
async function sessionOf(ctx: Context): Promise<{ id: string; userId: string } | undefined> {
  const access = presentedAccessToken(ctx, accessCookieNames(ctx));
  if (access) {
    const found = await userOfAccessToken(ctx, access).catch(() => undefined);
    if (found?.sessionId) return { id: found.sessionId, userId: found.user.id };
  }
  const [refresh] = ctx.cookies.get(DJANGO_REFRESH_COOKIE) ?? [];
  if (refresh !== undefined && !isJwt(refresh)) {
    const session = await ctx.services.auth.sessions.identify(refresh).catch(() => undefined);
    if (session) return { id: session.id, userId: session.userId };
  }
  return undefined;
}

/** A SimpleJWT refresh cookie still held at logout is used up: it can never be exchanged afterwards. */
async function burnDjangoRefresh(ctx: Context): Promise<void> {
  const [refresh] = ctx.cookies.get(DJANGO_REFRESH_COOKIE) ?? [];
  if (refresh === undefined || !isJwt(refresh) || !djangoTokensAccepted(ctx)) return;
  try {
    const { claims, user } = await acceptDjangoToken(ctx, refresh, "refresh");
    await djangoStoreOf(ctx).useOnce(claims.jti, user.id, claims.expiresAt);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
  }
}

/**
 * POST /accounts/auth/logout/: ends the session the cookies name (as
 * auth.logout, without the CSRF header the old front end never sends: the
 * Origin check stands in), and deletes the cookies. 200 whatever the
 * cookies held, as the reference answers.
 */
export async function logout(ctx: Context, headers: Headers): Promise<HttpAnswer> {
  const { auth } = ctx.services;
  const session = await sessionOf(ctx);
  if (session && (await auth.sessions.revoke(session.id, "logout"))) {
    await audit(ctx, { event: "logout", userId: session.userId, sessionId: session.id });
  }
  await burnDjangoRefresh(ctx);
  withDjangoCookies(ctx).setCookies(auth.cookies.clear());
  return drf(200, LOGGED_OUT, headers);
}
