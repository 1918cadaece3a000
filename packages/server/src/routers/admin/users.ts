import { z } from "zod";
import { activityCursor, activityPage } from "../../core/activity-page.js";
import { factorsOnFor } from "../../core/step-up.js";
import { deviceFields } from "../../events/device-name.js";
import { adminProcedure, targetUser } from "./admin-procedure.js";

const PAGE = 50;
/** A user id as stored (UUIDs today; bounded, never trusted further). */
export const userId = z.string().min(1).max(100);

/**
 * admin.users.list({ query?, cursor? }): users whose username, address or
 * name contains `query` (ignoring case), by username, 50 a page.
 */
export const list = adminProcedure
  .input(
    z
      .object({ query: z.string().trim().max(100).optional(), cursor: z.string().max(200).optional() })
      .strict()
      .optional(),
  )
  .query(({ ctx, input }) => ctx.admins.search(input?.query || undefined, input?.cursor, PAGE));

/**
 * admin.users.get({ id }): one user as support needs them: the account, its
 * second factors (as auth.login would ask them) and its sessions with their
 * devices. Never a hash, token or secret.
 */
export const get = adminProcedure.input(z.object({ id: userId }).strict()).query(async ({ ctx, input }) => {
  const user = await targetUser(ctx, input.id);
  const summary = await ctx.admins.summary(user.id);
  const factors = await factorsOnFor(ctx, user);
  const sessions = await ctx.services.auth.sessions.list(user.id);
  return {
    user: summary ?? null,
    secondFactors: factors.flatMap(({ names }) => names),
    sessions: sessions
      .filter((s) => s.revokedAt === null)
      .map((s) => ({
        id: s.id,
        createdAt: s.createdAt.getTime(),
        lastUsedAt: s.lastUsedAt.getTime(),
        expiresAt: s.expiresAt.getTime(),
        ip: s.ip,
        ...deviceFields(s.userAgent),
        authMethod: s.authMethod,
      })),
  };
});

/** admin.users.activity({ id, cursor? }): the user's security activity, as auth.activity shows it to them. */
export const activity = adminProcedure
  .input(z.object({ id: userId, cursor: activityCursor.optional() }).strict())
  .query(async ({ ctx, input }) => {
    const user = await targetUser(ctx, input.id);
    return activityPage(ctx.services, user.id, input.cursor);
  });
