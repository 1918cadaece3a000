import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { requireRecentProof } from "../../core/step-up.js";
import type { AdminAction } from "../../events/types.js";
import { type AdminChange, type AdminStore, createAdminStore } from "../../stores/admin-store.js";
import { authedProcedure } from "../../trpc.js";

/**
 * Every admin.* procedure: a signed-in administrator (the role read from the
 * database on each call, never from a cache or the token, so a revoked role
 * or a disabled account stops at once) whose session proved who they are
 * within STEP_UP_MAX_AGE (else STEP_UP_REQUIRED: auth.stepUp.verify, then
 * retry). A non-administrator learns nothing more than ADMIN_REQUIRED.
 */
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const admins = createAdminStore(ctx.services.database.db);
  if (!(await admins.isAdmin(ctx.session.userId))) {
    throw new AuthError("ADMIN_REQUIRED", "This needs an administrator");
  }
  await requireRecentProof(ctx, ctx.session);
  return next({ ctx: { admins } });
});

/** The user an action targets; USER_NOT_FOUND for an id that is no user. */
export async function targetUser(ctx: Context, id: string) {
  const user = await ctx.services.users.findById(id);
  if (!user) throw new AuthError("USER_NOT_FOUND", "No such user");
  return user;
}

/**
 * Writes a role or active-flag change as the calling administrator, who must
 * still be one when it is written (another administrator may have disabled
 * or demoted them since the call began): ADMIN_REQUIRED otherwise.
 */
export async function changeAsAdmin(
  ctx: { session: { userId: string }; admins: AdminStore },
  targetId: string,
  change: AdminChange,
): Promise<void> {
  const outcome = await ctx.admins.changeAs(ctx.session.userId, targetId, change);
  if (outcome === "actor-not-admin") throw new AuthError("ADMIN_REQUIRED", "This needs an administrator");
  if (outcome === "no-target") throw new AuthError("USER_NOT_FOUND", "No such user");
}

/** An administrator may not lock themselves out: another administrator does that. */
export function refuseSelf(ctx: { session: { userId: string } }, id: string, what: string): void {
  if (id === ctx.session.userId)
    throw new AuthError("ADMIN_SELF_ACTION", `An administrator cannot ${what} their own account`);
}

/**
 * Records an administrator's action in the target's activity (audit event
 * `admin_action`, detail: the action and who did it) and emits `admin.action`
 * for apps and webhooks.
 */
export async function auditAdminAction(
  ctx: Context & { session: { userId: string; sessionId: string } },
  target: { id: string; username: string },
  action: AdminAction,
): Promise<void> {
  const admin = await ctx.services.users.findById(ctx.session.userId);
  await audit(ctx, {
    event: "admin_action",
    userId: target.id,
    username: target.username,
    sessionId: ctx.session.sessionId,
    detail: `${action} by ${admin?.username ?? ctx.session.userId}`,
  });
  ctx.services.events.emit(
    "admin.action",
    { adminId: ctx.session.userId, userId: target.id, action },
    { ip: ctx.request.ip, userAgent: ctx.request.userAgent },
  );
}
