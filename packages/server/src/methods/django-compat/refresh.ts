import { AuthError, refreshTokenLookupHash } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { issueSessionCookies } from "../../core/session-start.js";
import type { HttpAnswer } from "../../http/answer.js";
import { drf, NOT_AUTHENTICATED, TOKEN_NOT_VALID, unauthorized } from "./answers.js";
import { DJANGO_REFRESH_COOKIE, withDjangoCookies } from "./cookies.js";
import { exchangeDjangoRefresh } from "./exchange.js";
import { isJwt } from "./request-checks.js";

/**
 * Tollgate's rotation, as auth.refresh does it (same store read, same
 * theft detection: a rotated token presented after the grace ends the whole
 * session), without the CSRF header the old front end never sends (see
 * docs/migrating/django.md: Origin and SameSite=Lax stand in for it).
 */
async function rotate(ctx: Context, token: string): Promise<void> {
  const { auth, refreshSubjects, metrics } = ctx.services;
  const subject = await refreshSubjects(refreshTokenLookupHash(token));
  if (!subject) throw new AuthError("TOKEN_INVALID", "Unknown refresh token");
  const { session, user } = subject;
  if (!user?.isActive) {
    await auth.sessions.revoke(session.id, "admin");
    throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  }
  const result = await auth.sessions.refresh(token, session).catch(async (error: unknown) => {
    if (error instanceof AuthError && error.code === "REFRESH_REUSED") {
      metrics.refresh("reuse_detected");
      await audit(ctx, { event: "refresh_reuse_detected", userId: session.userId, sessionId: session.id });
    }
    throw error;
  });
  ctx.log.userId = user.id;
  if (!result.replayed) void audit(ctx, { event: "refresh", userId: user.id, sessionId: result.session.id });
  await issueSessionCookies(ctx, user, result.session, result.refreshToken, auth.csrf.issue(result.session.id));
  metrics.refresh(result.replayed ? "grace_replay" : "rotated");
}

/** A refusal after which the browser's cookies stay as they are: clearing would help whoever planted one. */
const MORE_THAN_ONE_COOKIE = "More than one refresh cookie";

/**
 * POST /accounts/auth/refresh_token/: the `refresh_token` cookie. Tollgate's
 * own is rotated; a SimpleJWT one (inside the cutover window) is exchanged,
 * once, for a Tollgate session (a duplicate within REFRESH_REUSE_GRACE
 * gets 200 and no cookies; one after it ends that session). 200 `{}` with
 * new cookies; no cookie 403; anything refused 401 `token_not_valid`, and
 * the cookies are cleared.
 */
export async function refresh(ctx: Context, headers: Headers): Promise<HttpAnswer> {
  const compat = withDjangoCookies(ctx);
  const tokens = ctx.cookies.get(DJANGO_REFRESH_COOKIE) ?? [];
  const [token] = tokens;
  if (token === undefined || token === "") return drf(403, NOT_AUTHENTICATED, headers);
  try {
    // Two refresh cookies at one path: one was planted (cookie tossing); neither is trusted.
    if (tokens.length > 1) throw new AuthError("TOKEN_INVALID", MORE_THAN_ONE_COOKIE);
    if (isJwt(token)) await exchangeDjangoRefresh(compat, token);
    else await rotate(compat, token);
    return drf(200, {}, headers);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code !== "REFRESH_REUSED") ctx.services.metrics.refresh("refused");
    ctx.services.logger.info({ code: error.code, reason: error.message }, "refresh on the Django surface refused");
    // Kept when another cookie was planted beside this browser's: clearing them would be a forced sign-out.
    if (error.message !== MORE_THAN_ONE_COOKIE) compat.setCookies(ctx.services.auth.cookies.clear());
    return unauthorized(TOKEN_NOT_VALID, headers);
  }
}
