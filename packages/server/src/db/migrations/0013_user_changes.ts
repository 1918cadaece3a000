import { type Kysely, type Migration, sql } from "kysely";
import type { SqlDialect } from "./dialect-types.js";

/**
 * Every instance keeps the users it answered for in memory (core/user-cache.ts);
 * the database itself announces every change to what that memory holds, so no
 * writer (a store, the CLI, another instance, an operator's own SQL) can
 * forget to:
 *
 * - the users columns user.me shows or checks (UPDATE OF them, or a DELETE);
 * - a user's email_verification tokens (the address waiting for its link).
 *
 * PostgreSQL: triggers `pg_notify('tollgate_user_changes', user_id)`, delivered
 * at commit on the connection that LISTENs for revocations. SQLite (no
 * notifications; the CLI is another process): triggers append the id to
 * `user_changes`, which the server polls with its revocations. Its `seq`
 * numbers commits in order (SQLite writes one transaction at a time), so a
 * poll reads `seq > last seen`; `changed_at` is SQLite's own clock, only for
 * purging rows every poller has read.
 *
 * A later migration that adds a column the cache holds must add it to
 * USER_COLUMNS' triggers (drop and create them again).
 */
export const USER_CHANGES_CHANNEL = "tollgate_user_changes";

const USER_COLUMNS = "username, first_name, last_name, email, email_verified, is_active";
const VERIFICATION = "'email_verification'";

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE FUNCTION tollgate_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    IF TG_OP = 'DELETE' THEN
      PERFORM pg_notify('${USER_CHANGES_CHANNEL}', OLD.id);
    ELSE
      PERFORM pg_notify('${USER_CHANGES_CHANNEL}', NEW.id);
    END IF;
    RETURN NULL;
  END IF;
  -- account_tokens: only the address waiting for its link is cached.
  IF TG_OP <> 'INSERT' THEN
    IF OLD.purpose = ${VERIFICATION} THEN
      PERFORM pg_notify('${USER_CHANGES_CHANNEL}', OLD.user_id);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.purpose = ${VERIFICATION} THEN
      PERFORM pg_notify('${USER_CHANGES_CHANNEL}', NEW.user_id);
    END IF;
  END IF;
  RETURN NULL;
END $$`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER users_changed AFTER UPDATE OF ${USER_COLUMNS} OR DELETE ON users
      FOR EACH ROW EXECUTE FUNCTION tollgate_user_changed()`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER account_tokens_changed AFTER INSERT OR UPDATE OR DELETE ON account_tokens
      FOR EACH ROW EXECUTE FUNCTION tollgate_user_changed()`)
    .execute(db);
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("user_changes")
    .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
  // The fixed-width ISO-8601 UTC text sqlite-adapter.ts writes for instants.
  const record = (id: string) =>
    `INSERT INTO user_changes (user_id, changed_at) VALUES (${id}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));`;
  const triggers = [
    `CREATE TRIGGER users_updated AFTER UPDATE OF ${USER_COLUMNS} ON users BEGIN ${record("NEW.id")} END`,
    `CREATE TRIGGER users_deleted AFTER DELETE ON users BEGIN ${record("OLD.id")} END`,
    `CREATE TRIGGER account_tokens_inserted AFTER INSERT ON account_tokens
      WHEN NEW.purpose = ${VERIFICATION} BEGIN ${record("NEW.user_id")} END`,
    `CREATE TRIGGER account_tokens_updated AFTER UPDATE ON account_tokens
      WHEN NEW.purpose = ${VERIFICATION} OR OLD.purpose = ${VERIFICATION}
      BEGIN ${record("NEW.user_id")} ${record("OLD.user_id")} END`,
    `CREATE TRIGGER account_tokens_deleted AFTER DELETE ON account_tokens
      WHEN OLD.purpose = ${VERIFICATION} BEGIN ${record("OLD.user_id")} END`,
  ];
  for (const trigger of triggers) await sql.raw(trigger).execute(db);
}

export function userChanges(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === "postgres") await upPostgres(db);
      else await upSqlite(db);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect === "postgres") {
        await sql.raw("DROP TRIGGER IF EXISTS account_tokens_changed ON account_tokens").execute(db);
        await sql.raw("DROP TRIGGER IF EXISTS users_changed ON users").execute(db);
        await sql.raw("DROP FUNCTION IF EXISTS tollgate_user_changed()").execute(db);
        return;
      }
      for (const name of [
        "users_updated",
        "users_deleted",
        "account_tokens_inserted",
        "account_tokens_updated",
        "account_tokens_deleted",
      ]) {
        await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
      }
      await db.schema.dropTable("user_changes").ifExists().execute();
    },
  };
}
