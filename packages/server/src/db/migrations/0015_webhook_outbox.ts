import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * webhook_outbox: every security event for the webhook receiver is written
 * here when it happens and delivered by a background loop with retries and
 * backoff, as mail is (next_attempt_at is also the claim), so a receiver that
 * is down or a restart loses nothing. Delivered and abandoned rows are purged
 * after a week.
 */
export function webhookOutbox(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("webhook_outbox")
        .addColumn("id", types.generatedKey.type, types.generatedKey.column)
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", types.timestamp, (c) => c.notNull())
        .addColumn("delivered_at", types.timestamp)
        .addColumn("abandoned_at", types.timestamp)
        .addColumn("last_error", "text")
        .execute();
      await db.schema
        .createIndex("webhook_outbox_due")
        .on("webhook_outbox")
        .columns(["delivered_at", "abandoned_at", "next_attempt_at"])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("webhook_outbox").execute();
    },
  };
}
