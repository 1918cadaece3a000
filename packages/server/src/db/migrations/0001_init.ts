import { type Kysely, type Migration, sql } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

// Migrations take Kysely<unknown>: they must not depend on today's schema types.
export function init(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("first_name", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("last_name", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("is_active", types.boolean, (c) => c.notNull().defaultTo(true))
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("updated_at", types.timestamp, (c) => c.notNull())
        .execute();
      // Usernames are unique ignoring case: "Alice" and "alice" are one account.
      // (On SQLite, lower() is replaced by a Unicode-aware one: see db/sqlite.ts.)
      await sql`CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username))`.execute(db);

      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("lookup_hash", "text", (c) => c.notNull().unique())
        .addColumn("current_hash", "text", (c) => c.notNull())
        .addColumn("previous_hash", "text")
        .addColumn("rotation_salt", "text")
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("rotated_at", types.timestamp, (c) => c.notNull())
        .addColumn("last_used_at", types.timestamp, (c) => c.notNull())
        .addColumn("expires_at", types.timestamp, (c) => c.notNull())
        .addColumn("revoked_at", types.timestamp)
        .addColumn("revoked_reason", "text")
        .addColumn("user_agent", "text")
        .addColumn("ip", "text")
        .execute();
      await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();

      await db.schema
        .createTable("audit_events")
        .addColumn("id", types.generatedKey.type, types.generatedKey.column)
        .addColumn("at", types.timestamp, (c) => c.notNull())
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("user_id", "text")
        .addColumn("session_id", "text")
        .addColumn("username", "text")
        .addColumn("ip", "text")
        .addColumn("user_agent", "text")
        .addColumn("detail", "text")
        .execute();
      await db.schema
        .createIndex("audit_events_user_id_at_idx")
        .on("audit_events")
        .columns(["user_id", "at"])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("audit_events").execute();
      await db.schema.dropTable("sessions").execute();
      await db.schema.dropTable("users").execute();
    },
  };
}
