import { AuthError } from "@tollgate/auth";
import { audit } from "../procedures/audit.js";
import { issueSessionCookies } from "../procedures/session-issuer.js";
import { publicProcedure, singleCookie, verifyCsrf } from "../trpc.js";

export const refresh = publicProcedure.mutation(async ({ ctx }) => {
  const { auth, users } = ctx.services;
  const clear = () => ctx.setCookies(auth.cookies.clear());
  try {
    const token = singleCookie(
      ctx,
      auth.cookies.names.refreshToken,
      () => new AuthError("TOKEN_INVALID", "Duplicate refresh token cookies"),
    );
    if (!token) throw new AuthError("TOKEN_MISSING", "No refresh token");
    const session = await auth.sessions.identify(token);
    // CSRF before any state changes; a forged request must not clear or rotate anything.
    const csrfToken = verifyCsrf(ctx, session.id);
    // The user is read before rotating: a lookup failing after the rotation
    // committed would leave the client with a token it can no longer use.
    const user = await users.findById(session.userId);
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
    return await issueSessionCookies(ctx, user, result.session, result.refreshToken, csrfToken);
  } catch (error) {
    // A refused token ends the session in this browser. A forged request
    // (CSRF, Origin) or an outage changes nothing.
    if (error instanceof AuthError && error.code !== "CSRF" && error.code !== "ORIGIN") clear();
    throw error;
  }
});
