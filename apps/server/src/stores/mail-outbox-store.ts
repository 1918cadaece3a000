import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface QueuedMail extends OutgoingMail {
  readonly id: string;
  readonly attempts: number;
}

export interface MailOutboxStore {
  enqueue(mail: OutgoingMail): Promise<void>;
  /**
   * Up to `limit` mails due now, each claimed for `leaseMs` (its next attempt
   * moved past the lease, compare-and-swap): another sender skips them, and a
   * sender that dies mid-send leaves them to be tried again after the lease.
   */
  claimDue(limit: number, leaseMs: number): Promise<QueuedMail[]>;
  markSent(id: string): Promise<void>;
  /** A failed attempt: counted, and tried again at `retryAt`. */
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
  /** Deletes mails sent before `before` (their bodies hold links). */
  purgeSent(before: Date): Promise<number>;
}

export function createMailOutboxStore(db: Kysely<Database>, now: () => number = Date.now): MailOutboxStore {
  return {
    async enqueue(mail) {
      const at = new Date(now());
      await db
        .insertInto("mail_outbox")
        .values({
          recipient: mail.to,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          created_at: at,
          next_attempt_at: at,
        })
        .execute();
    },
    async claimDue(limit, leaseMs) {
      const at = new Date(now());
      const due = await db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("sent_at", "is", null)
        .where("next_attempt_at", "<=", at)
        .orderBy("next_attempt_at")
        .limit(limit)
        .execute();
      const claimed: QueuedMail[] = [];
      for (const row of due) {
        const result = await db
          .updateTable("mail_outbox")
          .set({ next_attempt_at: new Date(at.getTime() + leaseMs) })
          .where("id", "=", row.id)
          .where("sent_at", "is", null)
          .where("next_attempt_at", "=", row.next_attempt_at)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) continue;
        claimed.push({
          id: String(row.id),
          to: row.recipient,
          subject: row.subject,
          text: row.text_body,
          html: row.html_body,
          attempts: row.attempts,
        });
      }
      return claimed;
    },
    async markSent(id) {
      await db
        .updateTable("mail_outbox")
        .set({ sent_at: new Date(now()), last_error: null })
        .where("id", "=", id)
        .execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable("mail_outbox")
        .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 500), next_attempt_at: retryAt })
        .where("id", "=", id)
        .execute();
    },
    async purgeSent(before) {
      const result = await db.deleteFrom("mail_outbox").where("sent_at", "<", before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
