import { AuthError, refreshTokenLookupHash, type StoredSession } from "@tollgate/auth";
import type { Context } from "../context.js";
import { audit } from "../core/audit.js";
import { issueSessionCookies } from "../core/session-start.js";
import type { User } from "../stores/user-store.js";
import { publicProcedure, verifyCsrf } from "../trpc.js";

/** More refresh cookies than this in one request is not a browser's doing. */
const MAX_REFRESH_CANDIDATES = 3;

/**
 * The refresh token this request means, and its session. A sibling subdomain
 * can plant a second refresh cookie (cookie tossing); rather than failing for
 * ever, each candidate is tried and the one whose session the CSRF token is
 * bound to wins. A planted token can never win: the CSRF cookie is bound to
 * the victim's session (and is __Host- prefixed with COOKIE_SECURE).
 */
async function identifyRefresh(
  ctx: Context,
): Promise<{ token: string; session: StoredSession; user: User | undefined; csrfToken: string }> {
  const { auth, refreshSubjects } = ctx.services;
  const candidates = ctx.cookies.get(auth.cookies.names.refreshToken) ?? [];
  if (candidates.length === 0) throw new AuthError("TOKEN_MISSING", "No refresh token");
  if (candidates.length > MAX_REFRESH_CANDIDATES) throw new AuthError("TOKEN_INVALID", "Too many refresh cookies");
  const refusals: AuthError[] = [];
  for (const token of candidates) {
    try {
      // The session and its user in one read (what auth.sessions.identify and users.findById read in turn).
      const subject = await refreshSubjects(refreshTokenLookupHash(token));
      if (!subject) throw new AuthError("TOKEN_INVALID", "Unknown refresh token");
      const { session, user } = subject;
      // CSRF before any state changes; a forged request must not clear or rotate anything.
      return { token, session, user, csrfToken: verifyCsrf(ctx, session.id) };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      refusals.push(error);
    }
  }
  const [only] = refusals;
  if (only && refusals.length === 1) throw only;
  // Several, all refused for CSRF: a request without this session's CSRF token changes nothing (no cookie is cleared).
  const csrf = refusals.find((error) => error.code === "CSRF");
  if (csrf && refusals.every((error) => error.code === "CSRF" || error.code === "TOKEN_INVALID")) throw csrf;
  throw new AuthError("TOKEN_INVALID", "No refresh cookie belongs to this session's CSRF token");
}

export const refresh = publicProcedure.mutation(async ({ ctx }) => {
  const { auth, metrics } = ctx.services;
  const clear = () => ctx.setCookies(auth.cookies.clear());
  try {
    // The user is read before rotating (with the session): a lookup failing after
    // the rotation committed would leave the client with a token it can no longer use.
    const { token, session, user, csrfToken } = await identifyRefresh(ctx);
    if (!user?.isActive) {
      await auth.sessions.revoke(session.id, "admin");
      throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    }
    const result = await auth.sessions.refresh(token, session).catch(async (error: unknown) => {
      if (error instanceof AuthError && error.code === "REFRESH_REUSED") {
        await audit(ctx, { event: "refresh_reuse_detected", userId: session.userId, sessionId: session.id });
      }
      throw error;
    });
    ctx.log.userId = user.id;
    if (!result.replayed) {
      // Not awaited: a refresh never waits for its audit batch.
      void audit(ctx, { event: "refresh", userId: user.id, sessionId: result.session.id });
    }
    const signedIn = await issueSessionCookies(ctx, user, result.session, result.refreshToken, csrfToken);
    metrics.refresh(result.replayed ? "grace_replay" : "rotated");
    return signedIn;
  } catch (error) {
    // A refused token ends the session in this browser. A forged request
    // (CSRF, Origin) or an outage changes nothing.
    if (error instanceof AuthError && error.code !== "CSRF" && error.code !== "ORIGIN") clear();
    // Refused: theft detected, or any other reason (an outage is not a refusal).
    if (error instanceof AuthError) metrics.refresh(error.code === "REFRESH_REUSED" ? "reuse_detected" : "refused");
    throw error;
  }
});
