import { AuthError } from "@tollgate/auth";
import { audit } from "../core/audit.js";
import { endEverySession } from "../core/end-sessions.js";
import { revokeSessionInput } from "../core/inputs.js";
import { requireRecentProof } from "../core/step-up.js";
import { deviceFields } from "../events/device-name.js";
import { authedProcedure, protectedMutation } from "../trpc.js";

export const logout = protectedMutation.mutation(async ({ ctx }) => {
  const { auth } = ctx.services;
  await auth.sessions.revoke(ctx.session.sessionId, "logout");
  ctx.setCookies(auth.cookies.clear());
  await audit(ctx, {
    event: "logout",
    userId: ctx.session.userId,
    sessionId: ctx.session.sessionId,
  });
  return { ok: true as const };
});

/** Every session of the user ends: a sensitive action, so it needs a recent sign-in or step-up (STEP_UP_REQUIRED). */
export const logoutAll = protectedMutation.mutation(async ({ ctx }) => {
  const { auth } = ctx.services;
  await requireRecentProof(ctx, ctx.session);
  // "Everywhere" includes sign-ins waiting for their second factor.
  const revoked = await endEverySession(ctx.services, ctx.session.userId, "logout_all");
  ctx.setCookies(auth.cookies.clear());
  await audit(ctx, {
    event: "logout_all",
    userId: ctx.session.userId,
    sessionId: ctx.session.sessionId,
    detail: `${revoked} sessions`,
  });
  return { revoked };
});

/**
 * The caller's session as the access token states it, with no database read (while
 * revocations are live; see auth.revocations):
 * the cheap "am I signed in" check for page loads and gateways.
 */
export const session = authedProcedure.query(({ ctx }) => ({
  userId: ctx.session.userId,
  sessionId: ctx.session.sessionId,
  accessTokenExpiresAt: ctx.session.expiresAt,
}));

/**
 * The user's sessions. A session's stored last use moves only when its refresh
 * token rotates (access tokens are checked without a database read), so the
 * calling session, in use by this very request, is reported as used now: it
 * would otherwise show its sign-in or last refresh time however long it has
 * been in use. `device` is the user agent in words ("Firefox 140 on Linux").
 */
export const sessions = authedProcedure.query(async ({ ctx }) => {
  const list = await ctx.services.auth.sessions.list(ctx.session.userId);
  const now = ctx.services.now();
  return list.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.getTime(),
    lastUsedAt: s.id === ctx.session.sessionId ? Math.max(now, s.lastUsedAt.getTime()) : s.lastUsedAt.getTime(),
    expiresAt: s.expiresAt.getTime(),
    userAgent: s.userAgent,
    ...deviceFields(s.userAgent),
    ip: s.ip,
    current: s.id === ctx.session.sessionId,
    revokedAt: s.revokedAt === null ? null : s.revokedAt.getTime(),
    revokedReason: s.revokedReason,
    /** How it was established: "password", "password+totp" or "recovery_code"; null for older sessions. */
    authMethod: s.authMethod,
  }));
});

export const revokeSession = protectedMutation.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
  const { auth } = ctx.services;
  const target = await auth.sessions.get(input.id);
  // Another user's session id gets the same answer as an unknown one.
  if (!target || target.userId !== ctx.session.userId) {
    throw new AuthError("SESSION_NOT_FOUND", "No such session");
  }
  const revoked = await auth.sessions.revoke(target.id, "revoked_by_user");
  if (target.id === ctx.session.sessionId) ctx.setCookies(auth.cookies.clear());
  await audit(ctx, {
    event: "session_revoked",
    userId: ctx.session.userId,
    sessionId: target.id,
  });
  return { revoked };
});
