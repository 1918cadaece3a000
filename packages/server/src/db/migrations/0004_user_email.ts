import { type Kysely, type Migration, sql } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * An optional email address per user, unique ignoring case (stored as
 * given), and whether it was confirmed. Existing users get none, unverified.
 * Several users may have none: both PostgreSQL and SQLite let NULLs repeat in
 * a unique index. (On SQLite, lower() is the Unicode-aware one of db/sqlite.ts,
 * as for usernames.)
 */
export function userEmail(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("users").addColumn("email", "text").execute();
      await db.schema
        .alterTable("users")
        .addColumn("email_verified", types.boolean, (c) => c.notNull().defaultTo(false))
        .execute();
      await sql`CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email))`.execute(db);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await sql`DROP INDEX users_email_lower_idx`.execute(db);
      await db.schema.alterTable("users").dropColumn("email_verified").execute();
      await db.schema.alterTable("users").dropColumn("email").execute();
    },
  };
}
