import { createAdminStore } from "../../stores/admin-store.js";
import { authedProcedure } from "../../trpc.js";

/**
 * admin.access(): whether the signed-in user is an administrator, so a page
 * knows whether to show its administration section. Any signed-in user may
 * ask (no step-up: it reveals only the caller's own role, never anyone
 * else's) and it never throws ADMIN_REQUIRED; the role is read from the
 * database as every admin.* call reads it, so the answer is never stale.
 */
export const access = authedProcedure.query(async ({ ctx }) => {
  const admins = createAdminStore(ctx.services.database.db);
  return { admin: await admins.isAdmin(ctx.session.userId) };
});
