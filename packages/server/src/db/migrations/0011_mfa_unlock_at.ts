import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * user_totp.link_unlocked_at: when the mailed unlock link last cleared the
 * factor's lock. A lock within 24 hours of it mails no new link (only a
 * recovery code or an operator clears it then), so a mailbox alone cannot
 * unlock the factor again and again.
 */
export function mfaUnlockAt(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("user_totp").addColumn("link_unlocked_at", types.timestamp).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("user_totp").dropColumn("link_unlocked_at").execute();
    },
  };
}
