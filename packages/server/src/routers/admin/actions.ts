import { z } from "zod";
import { endEverySession } from "../../core/end-sessions.js";
import { hookServices, methodsOf } from "../../core/served-methods.js";
import { sendVerificationMail } from "../../core/verification-mail.js";
import { adminProcedure, auditAdminAction, changeAsAdmin, refuseSelf, targetUser } from "./admin-procedure.js";
import { userId } from "./users.js";

/** Mutations get the CSRF header and Origin checks of any signed-in mutation first (authedProcedure). */
const adminMutation = adminProcedure;
const byId = z.object({ id: userId }).strict();

/**
 * admin.users.setActive({ id, active }): disabling ends every session of the
 * user at once (access tokens refused on every instance within the
 * revocation feed's second) and refuses their sign-ins; enabling lets them
 * sign in again. An administrator cannot disable their own account.
 */
export const setActive = adminMutation
  .input(z.object({ id: userId, active: z.boolean() }).strict())
  .mutation(async ({ ctx, input }) => {
    const user = await targetUser(ctx, input.id);
    if (!input.active) refuseSelf(ctx, user.id, "disable");
    await changeAsAdmin(ctx, user.id, { is_active: input.active });
    const ended = input.active ? 0 : await endEverySession(ctx.services, user.id, "admin");
    await auditAdminAction(ctx, user, input.active ? "user.enabled" : "user.disabled");
    return { active: input.active, sessionsEnded: ended };
  });

/** admin.users.setAdmin({ id, admin }): grants or takes the role; never one's own (another administrator does). */
export const setAdmin = adminMutation
  .input(z.object({ id: userId, admin: z.boolean() }).strict())
  .mutation(async ({ ctx, input }) => {
    const user = await targetUser(ctx, input.id);
    refuseSelf(ctx, user.id, "change the role of");
    await changeAsAdmin(ctx, user.id, { is_admin: input.admin });
    await auditAdminAction(ctx, user, input.admin ? "user.admin_granted" : "user.admin_revoked");
    return { admin: input.admin };
  });

/** admin.users.endSessions({ id }): signs the user out everywhere (their sign-ins keep working). */
export const endSessions = adminMutation.input(byId).mutation(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  const ended = await endEverySession(ctx.services, user.id, "admin");
  await auditAdminAction(ctx, user, "sessions.ended");
  return { sessionsEnded: ended };
});

/**
 * admin.users.resetSecondFactors({ id }): for a user who lost their
 * authenticator and its recovery codes: every method's second factor is
 * turned off (TOTP; passkeys stay: they sign in on their own) and every
 * session ends, so whoever holds the old factor holds nothing.
 */
export const resetSecondFactors = adminMutation.input(byId).mutation(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  const hooks = hookServices(ctx.services);
  const reset: string[] = [];
  for (const method of methodsOf(ctx.services)) {
    if (await method.hooks?.resetSecondFactor?.(hooks, user.id)) reset.push(method.id);
  }
  const ended = await endEverySession(ctx.services, user.id, "admin");
  await auditAdminAction(ctx, user, "second_factor.reset");
  return { reset, sessionsEnded: ended };
});

/** admin.users.clearLockout({ id }): lifts a second factor's lock after too many wrong codes; the factor stays. */
export const clearLockout = adminMutation.input(byId).mutation(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  const hooks = hookServices(ctx.services);
  for (const method of methodsOf(ctx.services)) await method.hooks?.clearLockout?.(hooks, user.id);
  await auditAdminAction(ctx, user, "lockout.cleared");
  return { ok: true as const };
});

/**
 * admin.users.resendVerification({ id }): mails a fresh confirmation link to
 * the user's unconfirmed address (under the same mail quota as any mail);
 * `sent: false` when the address is confirmed or there is none.
 */
export const resendVerification = adminMutation.input(byId).mutation(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  const sent = user.email !== null && !user.emailVerified;
  if (sent) await sendVerificationMail(ctx, user);
  await auditAdminAction(ctx, user, "verification.resent");
  return { sent };
});

/**
 * admin.users.delete({ id }): disables the account (as the administrator
 * the call is still from) and ends every session first, so no access token
 * outlives the account anywhere, then deletes the user with their
 * sessions, tokens, factors and linked identities (foreign keys). The audit
 * log keeps its entries (they name the user's id) for its retention. Never
 * one's own account.
 */
export const deleteUser = adminMutation.input(byId).mutation(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  refuseSelf(ctx, user.id, "delete");
  await changeAsAdmin(ctx, user.id, { is_active: false });
  await endEverySession(ctx.services, user.id, "admin");
  await auditAdminAction(ctx, user, "user.deleted");
  await ctx.admins.delete(user.id);
  return { ok: true as const };
});
