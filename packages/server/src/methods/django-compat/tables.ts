import { type Kysely, type Migration, sql } from "kysely";
import type { DatabaseHandle } from "../../db/client.js";
import { dialectTypes, type SqlDialect } from "../../db/migrations/dialect-types.js";

/**
 * The Django compatibility method's tables, prefixed `django_`:
 * - django_users: a Django auth_user id (as text: SimpleJWT's user_id claim
 *   is a number or a string by version) → the Tollgate user it was imported as.
 *   Only mapped users' SimpleJWT tokens are ever accepted, and none once the
 *   user changed the password or signed out everywhere (tokens_revoked_at).
 *   When the Tollgate user is deleted the row stays with no user: the import
 *   never brings that Django user back.
 * - django_tokens: SimpleJWT's outstanding tokens (token_blacklist app), and
 *   when each was blacklisted: a blacklisted jti is refused.
 * - django_exchanged: every jti already exchanged for a Tollgate session (or
 *   burnt by a logout): the primary key makes the exchange happen once, even
 *   for the same token sent many times at once; session_id is the session it
 *   became, ended when the token comes back after the grace (theft detection).
 */
export type DjangoTables = {
  django_users: {
    django_id: string;
    /** null: the user was deleted in Tollgate. */
    user_id: string | null;
    /** Set when the user changed the password or signed out everywhere: no Django token of theirs counts after it. */
    tokens_revoked_at: Date | string | null;
  };
  django_tokens: {
    jti: string;
    django_user_id: string | null;
    expires_at: Date | string | null;
    blacklisted_at: Date | string | null;
  };
  django_exchanged: {
    jti: string;
    /** The user it was exchanged for; null when a logout burnt it. */
    user_id: string | null;
    exchanged_at: Date | string;
    expires_at: Date | string;
    session_id: string | null;
  };
};

export function djangoTables(database: DatabaseHandle): Kysely<DjangoTables> {
  return database.db.withTables<DjangoTables>() as unknown as Kysely<DjangoTables>;
}

export function djangoMigrations(dialect: SqlDialect): Record<string, Migration> {
  const types = dialectTypes(dialect);
  return {
    "0001_compat": {
      async up(db) {
        await db.schema
          .createTable("django_users")
          .addColumn("django_id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().unique().references("users.id").onDelete("cascade"))
          .execute();
        await db.schema
          .createTable("django_tokens")
          .addColumn("jti", "text", (c) => c.primaryKey())
          .addColumn("django_user_id", "text")
          .addColumn("expires_at", types.timestamp)
          .addColumn("blacklisted_at", types.timestamp)
          .execute();
        await db.schema
          .createTable("django_exchanged")
          .addColumn("jti", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text")
          .addColumn("exchanged_at", types.timestamp, (c) => c.notNull())
          .addColumn("expires_at", types.timestamp, (c) => c.notNull())
          .execute();
      },
      async down(db) {
        await db.schema.dropTable("django_exchanged").execute();
        await db.schema.dropTable("django_tokens").execute();
        await db.schema.dropTable("django_users").execute();
      },
    },
    "0002_tokens_revoked": {
      async up(db) {
        await db.schema.alterTable("django_users").addColumn("tokens_revoked_at", types.timestamp).execute();
      },
      async down(db) {
        await db.schema.alterTable("django_users").dropColumn("tokens_revoked_at").execute();
      },
    },
    "0003_exchanged_session": {
      async up(db) {
        await db.schema.alterTable("django_exchanged").addColumn("session_id", "text").execute();
      },
      async down(db) {
        await db.schema.alterTable("django_exchanged").dropColumn("session_id").execute();
      },
    },
    "0004_deleted_users_stay_deleted": {
      // The foreign key becomes ON DELETE SET NULL (SQLite cannot alter a constraint: the table is rebuilt).
      up: (db) => rebuildDjangoUsers(db, dialect, "set null"),
      async down(db) {
        await db
          .deleteFrom("django_users" as never)
          .where("user_id" as never, "is", null)
          .execute();
        await rebuildDjangoUsers(db, dialect, "cascade");
      },
    },
  };
}

/** django_users again, with `onDelete` on its user_id foreign key and every row kept. */
async function rebuildDjangoUsers(
  db: Kysely<unknown>,
  dialect: SqlDialect,
  onDelete: "set null" | "cascade",
): Promise<void> {
  const types = dialectTypes(dialect);
  await db.schema
    .createTable("django_users_next")
    .addColumn("django_id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => {
      const column = c.unique().references("users.id").onDelete(onDelete);
      return onDelete === "cascade" ? column.notNull() : column;
    })
    .addColumn("tokens_revoked_at", types.timestamp)
    .execute();
  await sql`INSERT INTO django_users_next (django_id, user_id, tokens_revoked_at)
    SELECT django_id, user_id, tokens_revoked_at FROM django_users`.execute(db);
  await db.schema.dropTable("django_users").execute();
  await db.schema.alterTable("django_users_next").renameTo("django_users").execute();
}
