import { TRPCError } from "@trpc/server";
import { ENDED_SESSION_RETENTION_MS } from "../stores/session-purge.js";
import { authedProcedure, protectedMutation } from "../trpc.js";
import { audit } from "./audit.js";
import { changePasswordInput, revokeSessionInput } from "./inputs.js";
import { enforceSignInLimit } from "./sign-in-limit.js";

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

export const logoutAll = protectedMutation.mutation(async ({ ctx }) => {
  const { auth } = ctx.services;
  const revoked = await auth.sessions.revokeAllForUser(ctx.session.userId, "logout_all");
  ctx.setCookies(auth.cookies.clear());
  await audit(ctx, {
    event: "logout_all",
    userId: ctx.session.userId,
    sessionId: ctx.session.sessionId,
    detail: `${revoked} sessions`,
  });
  return { revoked };
});

export const sessions = authedProcedure.query(async ({ ctx }) => {
  const { sessionStore, config } = ctx.services;
  const now = ctx.services.now();
  const list = await sessionStore.listForUser(ctx.session.userId, new Date(now - ENDED_SESSION_RETENTION_MS));
  // Live: not revoked, inside both the absolute and the idle lifetime. Ended by revocation: listed for 7 days.
  const shown = list.filter(
    (s) =>
      s.revokedAt !== null ||
      (s.expiresAt.getTime() > now && now - s.lastUsedAt.getTime() <= config.sessionIdleTimeout * 1000),
  );
  return shown.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.getTime(),
    lastUsedAt: s.lastUsedAt.getTime(),
    expiresAt: s.expiresAt.getTime(),
    userAgent: s.userAgent,
    ip: s.ip,
    current: s.id === ctx.session.sessionId,
    revokedAt: s.revokedAt === null ? null : s.revokedAt.getTime(),
    revokedReason: s.revokedReason,
  }));
});

export const revokeSession = protectedMutation.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
  const { auth, sessionStore } = ctx.services;
  const target = await sessionStore.findById(input.id);
  // Another user's session id gets the same answer as an unknown one.
  if (!target || target.userId !== ctx.session.userId) {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such session" });
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

export const changePassword = protectedMutation.input(changePasswordInput).mutation(async ({ ctx, input }) => {
  const { auth, users, loginLimiter } = ctx.services;
  const user = await users.findById(ctx.session.userId);
  if (!user?.isActive) throw new TRPCError({ code: "UNAUTHORIZED", message: "Not signed in" });
  await enforceSignInLimit(ctx, user.username, (wait) => `Too many failed attempts; try again in ${wait} s`);
  const check = await auth.passwords.verify(input.currentPassword, user.passwordHash);
  if (!check.valid) {
    await loginLimiter.recordFailure(user.username, ctx.request.ip);
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Current password is wrong" });
  }
  const hash = await auth.passwords.hash(input.newPassword);
  if (!(await users.replacePasswordHash(user.id, user.passwordHash, hash))) {
    throw new TRPCError({ code: "CONFLICT", message: "The password was changed meanwhile; try again" });
  }
  const ended = await auth.sessions.revokeAllForUser(user.id, "password_changed", ctx.session.sessionId);
  await audit(ctx, {
    event: "password_changed",
    userId: user.id,
    sessionId: ctx.session.sessionId,
    detail: `${ended} other sessions ended`,
  });
  return { endedSessions: ended };
});
