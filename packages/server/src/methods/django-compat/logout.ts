import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import type { HttpAnswer } from "../../http/answer.js";
import { drf, LOGGED_OUT } from "./answers.js";
import { DJANGO_REFRESH_COOKIE, withDjangoCookies } from "./cookies.js";
import { accessCookieNames, userOfAccessToken } from "./current-user.js";
import { acceptDjangoToken, djangoStoreOf, djangoTokensAccepted } from "./django-token.js";
import { isJwt, presentedAccessToken } from "./request-checks.js";

/**
 * The sessions the request's cookies name: its access token's and its
 * refresh token's. They can differ (the access cookie at Path / is shared
 * with the account page, the refresh cookie is this surface's): each ends,
 * or a cookie cleared here would leave a live session on the server.
 */
async function sessionsOf(ctx: Context): Promise<Set<string>> {
  const sessions = new Set<string>();
  const access = presentedAccessToken(ctx, accessCookieNames(ctx));
  if ("token" in access) {
    const found = await userOfAccessToken(ctx, access.token).catch(() => undefined);
    if (found?.sessionId) sessions.add(found.sessionId);
  }
  const [refresh] = ctx.cookies.get(DJANGO_REFRESH_COOKIE) ?? [];
  if (refresh !== undefined && !isJwt(refresh)) {
    const session = await ctx.services.auth.sessions.identify(refresh).catch(() => undefined);
    if (session) sessions.add(session.id);
  }
  return sessions;
}

/**
 * A SimpleJWT refresh cookie still held at logout is used up: it can never
 * be exchanged afterwards. When it was exchanged already (by a copy of it,
 * or by a call still under way in another tab), the session it became is
 * this logout's too: it ends (an exchange still under way ends its own
 * session when it finds the token burnt).
 */
async function burnDjangoRefresh(ctx: Context): Promise<void> {
  const [refresh] = ctx.cookies.get(DJANGO_REFRESH_COOKIE) ?? [];
  if (refresh === undefined || !isJwt(refresh) || !djangoTokensAccepted(ctx)) return;
  let jti: string;
  let expiresAt: Date;
  try {
    ({ jti, expiresAt } = (await acceptDjangoToken(ctx, refresh, "refresh")).claims);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    return;
  }
  const store = djangoStoreOf(ctx);
  if (await store.useOnce(jti, null, expiresAt)) return;
  const sessionId = await store.burn(jti);
  if (sessionId !== null) await endSession(ctx, sessionId);
}

async function endSession(ctx: Context, sessionId: string): Promise<void> {
  const session = await ctx.services.auth.sessions.get(sessionId);
  if (session && (await ctx.services.auth.sessions.revoke(sessionId, "logout"))) {
    await audit(ctx, { event: "logout", userId: session.userId, sessionId });
  }
}

/**
 * POST /accounts/auth/logout/: ends the sessions the cookies name (as
 * auth.logout, without the CSRF header the old front end never sends: the
 * Origin check stands in), and deletes the cookies. 200 whatever the
 * cookies held, as the reference answers.
 */
export async function logout(ctx: Context, headers: Headers): Promise<HttpAnswer> {
  const { auth } = ctx.services;
  for (const sessionId of await sessionsOf(ctx)) await endSession(ctx, sessionId);
  await burnDjangoRefresh(ctx);
  withDjangoCookies(ctx).setCookies(auth.cookies.clear());
  return drf(200, LOGGED_OUT, headers);
}
