import { z } from "zod";
import { deviceFields } from "../events/device-name.js";
import type { Services } from "../services.js";
import type { AuditEvent } from "../stores/audit-log.js";

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
  "admin_action",
] as const satisfies readonly AuditEvent[];

export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

/** A page's cursor: the id of the last entry of the previous page. */
export const activityCursor = z.string().regex(/^\d{1,19}$/);

const PAGE = 20;

/**
 * One page of a user's security activity, newest first (auth.activity for the
 * user, admin.users.activity for an administrator). Entries still queued are
 * written first, so the last action is in the list.
 */
export async function activityPage(
  services: Pick<Services, "audit" | "database">,
  userId: string,
  cursor: string | undefined,
) {
  await services.audit.flush();
  let query = services.database.db
    .selectFrom("audit_events")
    .select(["id", "at", "event", "ip", "user_agent", "detail"])
    .where("user_id", "=", userId)
    .where("event", "in", ACTIVITY_EVENTS)
    .orderBy("id", "desc")
    .limit(PAGE + 1);
  if (cursor !== undefined) query = query.where("id", "<", cursor);
  const rows = await query.execute();
  const page = rows.slice(0, PAGE);
  return {
    events: page.map((row) => ({
      id: String(row.id),
      event: row.event as ActivityEvent,
      at: new Date(row.at).getTime(),
      ip: row.ip,
      ...deviceFields(row.user_agent),
      detail: row.detail,
    })),
    nextCursor: rows.length > PAGE ? String(page.at(-1)?.id) : null,
  };
}
