import type { Kysely, Migration } from "kysely";

/**
 * Second-factor codes cannot be guessed for ever:
 * - user_totp.failed_codes: consecutive wrong TOTP codes of the account,
 *   counted before each check (compare-and-swap) and never reset by time; at
 *   the cap (MFA_MAX_FAILED_CODES) the factor is locked until a right
 *   recovery code, the mailed unlock link or an operator clears it.
 * - mfa_pending.attempts: codes tried with one pending sign-in (it ends after
 *   three), so every three guesses cost a password check too.
 */
export function mfaLockout(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("user_totp")
        .addColumn("failed_codes", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable("mfa_pending")
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("mfa_pending").dropColumn("attempts").execute();
      await db.schema.alterTable("user_totp").dropColumn("failed_codes").execute();
    },
  };
}
