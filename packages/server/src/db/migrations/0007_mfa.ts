import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * A second factor (TOTP with recovery codes):
 * - user_totp: one row per user who began enrolment; the secret is a JWE
 *   under a key derived from AUTH_SECRET; on only once `enabled_at` is set;
 *   `last_step` is the newest 30 s step whose code was accepted (replay).
 * - recovery_codes: SHA-256 of each code, single use.
 * - mfa_pending: sign-ins waiting for the second factor, SHA-256 of the
 *   cookie's token, single use, five minutes.
 * - sessions.auth_method: how the session was established.
 */
export function mfa(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("user_totp")
        .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("enabled_at", types.timestamp)
        .addColumn("last_step", "bigint")
        .execute();
      await db.schema
        .createTable("recovery_codes")
        .addColumn("code_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("used_at", types.timestamp)
        .execute();
      await db.schema.createIndex("recovery_codes_user_idx").on("recovery_codes").column("user_id").execute();
      await db.schema
        .createTable("mfa_pending")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("expires_at", types.timestamp, (c) => c.notNull())
        .addColumn("used_at", types.timestamp)
        .execute();
      await db.schema.alterTable("sessions").addColumn("auth_method", "text").execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("sessions").dropColumn("auth_method").execute();
      await db.schema.dropTable("mfa_pending").execute();
      await db.schema.dropTable("recovery_codes").execute();
      await db.schema.dropTable("user_totp").execute();
    },
  };
}
