import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

export type AuditEvent =
  | "login_succeeded"
  | "login_failed"
  | "login_rate_limited"
  | "refresh"
  | "refresh_reuse_detected"
  | "logout"
  | "logout_all"
  | "session_revoked"
  | "password_changed"
  | "password_rehashed";

export interface AuditEntry {
  readonly event: AuditEvent;
  readonly userId?: string | null;
  readonly sessionId?: string | null;
  readonly username?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly detail?: string | null;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

const MAX_FIELD = 512;
const clip = (v: string | null | undefined) => (v ? v.slice(0, MAX_FIELD) : null);

/** The audit trail of authentication events. Callers never pass a token, cookie or password. */
export function createAuditLog(db: Kysely<Database>, onError: (error: unknown) => void): AuditLog {
  return {
    async record(entry) {
      try {
        await db
          .insertInto("audit_events")
          .values({
            at: new Date(),
            event: entry.event,
            user_id: entry.userId ?? null,
            session_id: entry.sessionId ?? null,
            username: clip(entry.username),
            ip: clip(entry.ip),
            user_agent: clip(entry.userAgent),
            detail: clip(entry.detail),
          })
          .execute();
      } catch (error) {
        // An audit write failing must not turn a finished login into an error.
        onError(error);
      }
    },
  };
}
