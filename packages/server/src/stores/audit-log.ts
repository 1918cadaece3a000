import type { Insertable, Kysely } from "kysely";
import type { AuditEventsTable, Database } from "../db/schema.js";

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
  | "password_rehashed"
  | "profile_updated"
  | "signed_up"
  | "email_verified"
  | "password_reset_requested"
  | "email_code_requested"
  | "password_reset"
  | "mfa_enabled"
  | "mfa_disabled"
  | "mfa_reset"
  | "mfa_failed"
  | "step_up"
  | "step_up_failed"
  | "mfa_locked"
  | "mfa_unlocked"
  | "recovery_code_used"
  | "recovery_codes_regenerated"
  | "mail_suppressed"
  | "email_change_requested"
  // A sign-in credential of a method (detail: the method's id, e.g. "passkey") was added or removed.
  | "credential_added"
  | "credential_removed"
  // A sign-in from a browser with no device cookie of this account.
  | "new_device"
  // An administrator acted on this account (detail: the action and the administrator).
  | "admin_action";

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
  /** Queues an entry; resolves once the batch holding it is written (or failed and was reported). */
  record(entry: AuditEntry): Promise<void>;
  /** Writes everything queued (at shutdown). */
  flush(): Promise<void>;
  /** Deletes entries older than `cutoff`; returns how many. */
  purgeOlderThan(cutoff: Date): Promise<number>;
}

/** How long audit entries are kept: long enough to investigate an incident, then deleted. */
export const AUDIT_RETENTION_MS = 90 * 86_400_000;

const MAX_FIELD = 512;
const clip = (v: string | null | undefined) => (v ? v.slice(0, MAX_FIELD) : null);

export interface AuditLogOptions {
  /** Entries written in one INSERT at most. */
  readonly maxBatch?: number;
  /** How long an entry may wait for company before its batch is written. */
  readonly maxDelayMs?: number;
  /** The server's clock (epoch ms): an entry is stamped by the same time as the sessions it records. */
  readonly now?: () => number;
}

/**
 * The audit trail of authentication events. Callers never pass a token,
 * cookie or password. Entries are written in small batches (one multi-row
 * INSERT every few milliseconds under load) so auditing every refresh costs
 * one write per batch, not one per request; shutdown flushes what is queued.
 */
export function createAuditLog(
  db: Kysely<Database>,
  onError: (error: unknown) => void,
  options: AuditLogOptions = {},
): AuditLog {
  const maxBatch = options.maxBatch ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10;
  const now = options.now ?? Date.now;
  let pending: { row: Insertable<AuditEventsTable>; done: () => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      await db
        .insertInto("audit_events")
        .values(batch.map((b) => b.row))
        .execute();
    } catch (error) {
      // An audit write failing must not turn a finished login into an error.
      onError(error);
    } finally {
      for (const entry of batch) entry.done();
    }
  }

  return {
    record(entry) {
      const row: Insertable<AuditEventsTable> = {
        at: new Date(now()),
        event: entry.event,
        user_id: entry.userId ?? null,
        session_id: entry.sessionId ?? null,
        username: clip(entry.username),
        ip: clip(entry.ip),
        user_agent: clip(entry.userAgent),
        detail: clip(entry.detail),
      };
      return new Promise((done) => {
        pending.push({ row, done });
        if (pending.length >= maxBatch) void flush();
        else if (timer === undefined) {
          timer = setTimeout(() => void flush(), maxDelayMs);
          timer.unref();
        }
      });
    },
    flush,
    async purgeOlderThan(cutoff) {
      const result = await db.deleteFrom("audit_events").where("at", "<", cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
