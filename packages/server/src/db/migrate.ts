import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import { init } from "./migrations/0001_init.js";
import { sessionsRevokedAt } from "./migrations/0002_sessions_revoked_at.js";
import { signingKeys } from "./migrations/0003_signing_keys.js";
import { userEmail } from "./migrations/0004_user_email.js";
import { accountMail } from "./migrations/0005_account_mail.js";
import { setupTokens } from "./migrations/0006_setup_tokens.js";
import { mfa } from "./migrations/0007_mfa.js";
import { mfaLockout } from "./migrations/0008_mfa_lockout.js";
import { usernameSkeletonColumn } from "./migrations/0010_username_skeleton.js";
import { mfaUnlockAt } from "./migrations/0011_mfa_unlock_at.js";
import { stepUp } from "./migrations/0012_step_up.js";
import { userChanges } from "./migrations/0013_user_changes.js";
import { adminRole } from "./migrations/0014_admin_role.js";
import { webhookOutbox } from "./migrations/0015_webhook_outbox.js";
import type { SqlDialect } from "./migrations/dialect-types.js";

/** A static list: bundles cleanly and loads under every runner (no directory scan). */
function migrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    "0001_init": init(dialect),
    "0002_sessions_revoked_at": sessionsRevokedAt(),
    "0003_signing_keys": signingKeys(dialect),
    "0004_user_email": userEmail(dialect),
    "0005_account_mail": accountMail(dialect),
    "0006_setup_tokens": setupTokens(dialect),
    "0007_mfa": mfa(dialect),
    "0008_mfa_lockout": mfaLockout(),
    "0010_username_skeleton": usernameSkeletonColumn(),
    "0011_mfa_unlock_at": mfaUnlockAt(dialect),
    "0012_step_up": stepUp(dialect),
    "0013_user_changes": userChanges(dialect),
    "0014_admin_role": adminRole(dialect),
    "0015_webhook_outbox": webhookOutbox(dialect),
  };
}

/**
 * Brings the schema up to date. On PostgreSQL, Kysely's migration lock makes
 * concurrent starts safe; on SQLite the caller holds the write lock
 * (BEGIN IMMEDIATE) around this, since Kysely takes none there.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed`.replace("  ", " "), { cause: error });
  }
}

/**
 * Brings tables that are not the core's up to date, from a history table of
 * their own (`<historyTable>` and `<historyTable>_lock`), so each owner's
 * migrations are added or removed without touching the core's or another's.
 * `owner` names them in the error ("sign-in method passkey", "the app").
 */
export async function migrateOwnTables(
  db: Kysely<unknown>,
  historyTable: string,
  ownMigrations: Record<string, Migration>,
  owner: string,
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => ownMigrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: historyTable,
    migrationLockTableName: `${historyTable}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ""} of ${owner} failed`.replace("  ", " "), {
      cause: error,
    });
  }
}

/** A sign-in method's own tables, with its history in `<id>_migration`. */
export function migrateMethod(
  db: Kysely<unknown>,
  methodId: string,
  methodMigrations: Record<string, Migration>,
): Promise<void> {
  return migrateOwnTables(db, `${methodId}_migration`, methodMigrations, `sign-in method ${methodId}`);
}
