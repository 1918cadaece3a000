import type { Kysely, Migration } from "kysely";
import type { DatabaseHandle } from "../../db/client.js";
import { dialectTypes, type SqlDialect } from "../../db/migrations/dialect-types.js";

/**
 * The mail-code method's table, prefixed with its id: one row per code mailed.
 * A code and a link go out together and are one grant: using either uses
 * both. `code_hash` is an HMAC of the six digits under a key derived from
 * AUTH_SECRET (a leaked table does not hand out live codes by a table of a
 * million hashes), `link_hash` the SHA-256 of the link's 256-bit token.
 * `failures` counts wrong codes given for this row: at the cap it is void.
 */
export type EmailCodeTables = {
  email_code_grants: {
    id: string;
    user_id: string;
    email: string;
    code_hash: string;
    link_hash: string;
    failures: number;
    created_at: Date | string;
    expires_at: Date | string;
    used_at: Date | string | null;
  };
};

export function emailCodeTables(database: DatabaseHandle): Kysely<EmailCodeTables> {
  return database.db.withTables<EmailCodeTables>() as unknown as Kysely<EmailCodeTables>;
}

export function emailCodeMigrations(dialect: SqlDialect): Record<string, Migration> {
  const types = dialectTypes(dialect);
  return {
    "0001_email_code_grants": {
      async up(db) {
        await db.schema
          .createTable("email_code_grants")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("email", "text", (c) => c.notNull())
          .addColumn("code_hash", "text", (c) => c.notNull())
          .addColumn("link_hash", "text", (c) => c.notNull().unique())
          .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", types.timestamp, (c) => c.notNull())
          .addColumn("expires_at", types.timestamp, (c) => c.notNull())
          .addColumn("used_at", types.timestamp)
          .execute();
        await db.schema.createIndex("email_code_grants_user_idx").on("email_code_grants").column("user_id").execute();
      },
      async down(db) {
        await db.schema.dropTable("email_code_grants").execute();
      },
    },
  };
}
