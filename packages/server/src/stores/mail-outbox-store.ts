import type { MailBodyWrap } from "@tollgate/auth";
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
  /** Deletes the rows of mails sent before `before` (what is left of them: recipient and times). */
  purgeSent(before: Date): Promise<number>;
}

/** How long a mail that cannot be decrypted (AUTH_SECRET replaced without AUTH_SECRET_PREVIOUS) waits before another try. */
const UNREADABLE_RETRY_MS = 86_400_000;

/**
 * The outbox keeps only what sending needs: the recipient in clear (the
 * sender's address and the purge need it), the subject and bodies sealed
 * under AUTH_SECRET in text_body (subject and html_body stay empty), and
 * once a mail is sent its bodies are deleted (the row stays for the purge).
 * Bodies hold live reset and verification links: a copy of the database
 * must not be enough to follow them. Rows written before sealing (a
 * non-empty subject) are still sent as they are.
 */
export function createMailOutboxStore(
  db: Kysely<Database>,
  bodies: MailBodyWrap,
  now: () => number = Date.now,
): MailOutboxStore {
  async function unseal(row: { recipient: string; subject: string; text_body: string; html_body: string }) {
    if (row.subject !== "") return { subject: row.subject, text: row.text_body, html: row.html_body };
    return bodies.open(row.recipient, row.text_body);
  }
  const store: MailOutboxStore = {
    async enqueue(mail) {
      const at = new Date(now());
      const sealed = await bodies.seal(mail.to, { subject: mail.subject, text: mail.text, html: mail.html });
      await db
        .insertInto("mail_outbox")
        .values({
          recipient: mail.to,
          subject: "",
          text_body: sealed,
          html_body: "",
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
        let body: Awaited<ReturnType<typeof unseal>>;
        try {
          body = await unseal(row);
        } catch (error) {
          await store.markFailed(
            String(row.id),
            (error as Error).message,
            new Date(at.getTime() + UNREADABLE_RETRY_MS),
          );
          continue;
        }
        claimed.push({ id: String(row.id), to: row.recipient, ...body, attempts: row.attempts });
      }
      return claimed;
    },
    async markSent(id) {
      await db
        .updateTable("mail_outbox")
        // Sent: the bodies (and their links) are of no further use here.
        .set({ sent_at: new Date(now()), last_error: null, subject: "", text_body: "", html_body: "" })
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
  return store;
}
