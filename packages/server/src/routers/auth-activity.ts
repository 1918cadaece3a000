import { z } from "zod";
import { deviceName } from "../events/device-name.js";
import type { AuditEvent } from "../stores/audit-log.js";
import { authedProcedure } from "../trpc.js";

/** The audit events a user sees as their account's security activity (not refreshes, rehashes or mail bookkeeping). */
export const ACTIVITY_EVENTS = [
  "signed_up",
  "login_succeeded",
  "login_failed",
  "login_rate_limited",
  "new_device",
  "logout",
  "logout_all",
  "session_revoked",
  "refresh_reuse_detected",
  "password_changed",
  "password_reset",
  "email_change_requested",
  "email_verified",
  "mfa_enabled",
  "mfa_disabled",
  "mfa_failed",
  "mfa_locked",
  "mfa_unlocked",
  "mfa_reset",
  "recovery_code_used",
  "recovery_codes_regenerated",
  "credential_added",
  "credential_removed",
  "step_up",
  "step_up_failed",
] as const satisfies readonly AuditEvent[];

export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

const PAGE = 20;

/**
 * auth.activity({ cursor? }): the signed-in user's recent security events,
 * newest first, 20 a page (`nextCursor` for the next; null at the end):
 * what happened, when, from which network and device (the user agent in
 * words), and a detail (a method's id). Kept 90 days, as the audit log.
 * Entries still queued are written first, so the caller's own last action
 * is in the list.
 */
export const activity = authedProcedure
  .input(
    z
      .object({
        cursor: z
          .string()
          .regex(/^\d{1,19}$/)
          .optional(),
      })
      .strict()
      .optional(),
  )
  .query(async ({ ctx, input }) => {
    await ctx.services.audit.flush();
    let query = ctx.services.database.db
      .selectFrom("audit_events")
      .select(["id", "at", "event", "ip", "user_agent", "detail"])
      .where("user_id", "=", ctx.session.userId)
      .where("event", "in", ACTIVITY_EVENTS)
      .orderBy("id", "desc")
      .limit(PAGE + 1);
    if (input?.cursor !== undefined) query = query.where("id", "<", input.cursor);
    const rows = await query.execute();
    const page = rows.slice(0, PAGE);
    return {
      events: page.map((row) => ({
        id: String(row.id),
        event: row.event as ActivityEvent,
        at: new Date(row.at).getTime(),
        ip: row.ip,
        device: deviceName(row.user_agent) ?? null,
        detail: row.detail,
      })),
      nextCursor: rows.length > PAGE ? String(page.at(-1)?.id) : null,
    };
  });
