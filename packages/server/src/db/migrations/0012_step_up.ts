import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * Step-up (how and when the user proved who they are):
 * - sessions.amr: the RFC 8176 methods proved so far, space-separated
 *   ("pwd otp mfa"); sessions.auth_time: the last proof (sign-in or step-up).
 *   Both NULL for sessions started before this migration: no level and the
 *   oldest proof, so any step-up asks them again. The level (acr) is never
 *   stored: it is derived from amr, one definition.
 * - mfa_pending.amr: what the first factor proved, united with the second's
 *   when auth.mfa.verify starts the session.
 */
export function stepUp(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("sessions").addColumn("amr", "text").execute();
      await db.schema.alterTable("sessions").addColumn("auth_time", types.timestamp).execute();
      await db.schema.alterTable("mfa_pending").addColumn("amr", "text").execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("mfa_pending").dropColumn("amr").execute();
      await db.schema.alterTable("sessions").dropColumn("auth_time").execute();
      await db.schema.alterTable("sessions").dropColumn("amr").execute();
    },
  };
}
