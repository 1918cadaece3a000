import { type Kysely, type Migration, sql } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * Mail and the tokens in it.
 *
 * account_tokens: the single-use tokens of mailed links (password reset,
 * email verification). Only a SHA-256 of the token is stored; a token is bound
 * to its user and purpose (and, for verification, to the address it was sent
 * to), expires, and is used at most once (used_at).
 *
 * mail_outbox: every mail is written here first, in the request, and sent by
 * a background loop that retries with backoff; a restart loses nothing.
 * next_attempt_at is also the claim: a sender moves it forward (a lease)
 * before sending, so two instances never send one mail at once.
 */
export function accountMail(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("account_tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("purpose", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("expires_at", types.timestamp, (c) => c.notNull())
        .addColumn("used_at", types.timestamp)
        .execute();
      await db.schema
        .createIndex("account_tokens_user_purpose_idx")
        .on("account_tokens")
        .columns(["user_id", "purpose"])
        .execute();

      await db.schema
        .createTable("mail_outbox")
        .addColumn("id", types.generatedKey.type, types.generatedKey.column)
        .addColumn("recipient", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("text_body", "text", (c) => c.notNull())
        .addColumn("html_body", "text", (c) => c.notNull())
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", types.timestamp, (c) => c.notNull())
        .addColumn("sent_at", types.timestamp)
        .addColumn("last_error", "text")
        .execute();
      await db.schema
        .createIndex("mail_outbox_due_idx")
        .on("mail_outbox")
        .column("next_attempt_at")
        .where(sql.ref("sent_at"), "is", null)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("mail_outbox").execute();
      await db.schema.dropTable("account_tokens").execute();
    },
  };
}
