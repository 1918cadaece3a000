import { z } from "zod";
import { activityCursor, activityPage } from "../core/activity-page.js";
import { authedProcedure } from "../trpc.js";

/**
 * auth.activity({ cursor? }): the signed-in user's recent security events,
 * newest first, 20 a page (`nextCursor` for the next; null at the end):
 * what happened, when, from which network and device (the user agent in
 * words), and a detail (a method's id). Kept 90 days, as the audit log.
 * Entries still queued are written first, so the caller's own last action
 * is in the list.
 */
export const activity = authedProcedure
  .input(z.object({ cursor: activityCursor.optional() }).strict().optional())
  .query(({ ctx, input }) => activityPage(ctx.services, ctx.session.userId, input?.cursor));
