import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import type { DeliveryQueue } from "../outbox/delivery-loop.js";

export interface QueuedWebhook {
  readonly id: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly attempts: number;
}

export interface WebhookStore extends DeliveryQueue<QueuedWebhook> {
  enqueue(message: { messageId: string; eventType: string; payload: string }): Promise<void>;
  /** Deletes delivered and abandoned rows older than `before`; how many went. */
  purgeFinished(before: Date): Promise<number>;
}

/**
 * Tries before a delivery is abandoned: with backoff doubling from a second
 * up to an hour, about a day of trying (the receiver's outage is logged at
 * every failure, and the abandonment as an error).
 */
export const MAX_WEBHOOK_ATTEMPTS = 30;

export function createWebhookStore(db: Kysely<Database>, now: () => number = Date.now): WebhookStore {
  return {
    async enqueue(message) {
      const at = new Date(now());
      await db
        .insertInto("webhook_outbox")
        .values({
          message_id: message.messageId,
          event_type: message.eventType,
          payload: message.payload,
          created_at: at,
          next_attempt_at: at,
        })
        .execute();
    },
    async claimDue(limit, leaseMs) {
      const at = new Date(now());
      const due = await db
        .selectFrom("webhook_outbox")
        .selectAll()
        .where("delivered_at", "is", null)
        .where("abandoned_at", "is", null)
        .where("next_attempt_at", "<=", at)
        .orderBy("id")
        .limit(limit)
        .execute();
      const claimed: QueuedWebhook[] = [];
      for (const row of due) {
        // Compare-and-swap on the due time: one instance delivers each attempt.
        const result = await db
          .updateTable("webhook_outbox")
          .set({ next_attempt_at: new Date(at.getTime() + leaseMs) })
          .where("id", "=", row.id)
          .where("delivered_at", "is", null)
          .where("next_attempt_at", "=", row.next_attempt_at)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) continue;
        claimed.push({
          id: String(row.id),
          messageId: row.message_id,
          eventType: row.event_type,
          payload: row.payload,
          attempts: row.attempts,
        });
      }
      return claimed;
    },
    async markDelivered(id) {
      await db
        .updateTable("webhook_outbox")
        .set({ delivered_at: new Date(now()), last_error: null })
        .where("id", "=", id)
        .execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable("webhook_outbox")
        .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 500), next_attempt_at: retryAt })
        .where("id", "=", id)
        .execute();
      // Out of tries: never claimed again (the sender logged it as an error).
      await db
        .updateTable("webhook_outbox")
        .set({ abandoned_at: new Date(now()) })
        .where("id", "=", id)
        .where("attempts", ">=", MAX_WEBHOOK_ATTEMPTS)
        .execute();
    },
    async purgeFinished(before) {
      const result = await db
        .deleteFrom("webhook_outbox")
        .where((eb) => eb.or([eb("delivered_at", "<", before), eb("abandoned_at", "<", before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
