import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * The first-run setup link (`/setup?token=…`), printed in the start log while
 * no user exists: single use, one hour, only a SHA-256 of the token stored.
 * A new start voids the links printed before.
 */
export function setupTokens(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("setup_tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("expires_at", types.timestamp, (c) => c.notNull())
        .addColumn("used_at", types.timestamp)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("setup_tokens").execute();
    },
  };
}
