import { AuthError } from "@tollgate/auth";
import { TRPCError } from "@trpc/server";
import { publicProcedure, singleCookie, verifyCsrf } from "../trpc.js";
import { audit } from "./audit.js";
import { issueSessionCookies } from "./session-issuer.js";

export const refresh = publicProcedure.mutation(async ({ ctx }) => {
  const { auth, users } = ctx.services;
  const clear = () => ctx.setCookies(auth.cookies.clear());
  const token = singleCookie(
    ctx,
    auth.cookies.names.refreshToken,
    () => new AuthError("TOKEN_INVALID", "Duplicate refresh token cookies"),
  );
  if (!token) {
    clear();
    throw new TRPCError({ code: "UNAUTHORIZED", message: "No refresh token" });
  }

  let session: Awaited<ReturnType<typeof auth.sessions.identify>>;
  try {
    session = await auth.sessions.identify(token);
  } catch (error) {
    // A refused token ends the session in this browser; a database outage does not.
    if (error instanceof AuthError) clear();
    throw error;
  }
  // CSRF before any state changes; a forged request must not clear or rotate anything.
  const csrfToken = verifyCsrf(ctx, session.id);

  try {
    const [result, user] = await Promise.all([auth.sessions.refresh(token, session), users.findById(session.userId)]);
    if (!user?.isActive) {
      await auth.sessions.revoke(result.session.id, "admin");
      throw new AuthError("SESSION_REVOKED", "The account is no longer active");
    }
    ctx.log.userId = user.id;
    if (!result.replayed) {
      // Not awaited: a refresh never waits for its audit batch.
      void audit(ctx, { event: "refresh", userId: user.id, sessionId: result.session.id });
    }
    return await issueSessionCookies(ctx, user, result.session, result.refreshToken, csrfToken);
  } catch (error) {
    if (error instanceof AuthError) {
      clear();
      if (error.code === "REFRESH_REUSED") {
        await audit(ctx, {
          event: "refresh_reuse_detected",
          userId: session.userId,
          sessionId: session.id,
        });
      }
    }
    throw error;
  }
});
