import type { DatabaseSync } from "node:sqlite";
import { Kysely, SqliteDialect } from "kysely";
import type { DatabaseHandle } from "./database-handle.js";
import { EmbeddedDatabaseNodeError, embeddedDatabaseNodeProblem } from "./embedded-database-node.js";
import { migrateToLatest } from "./migrate.js";
import { detectOutages } from "./outage-detecting-dialect.js";
import type { Database } from "./schema.js";
import { createSqliteAdapter } from "./sqlite-adapter.js";
import { isSqliteOutage } from "./sqlite-errors.js";

export type { DatabaseHandle, DatabaseStats } from "./database-handle.js";

export interface DatabaseOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** pg pool size; several instances share one PostgreSQL. */
  readonly poolSize?: number;
}

/** Opens the database the configuration names and migrates it to the latest schema. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // pg is loaded only here, when PostgreSQL is used: the embedded database never holds it.
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(options.databaseUrl, options.poolSize);
  }

  // node:sqlite is loaded only here, when the embedded database is used: with
  // DATABASE_URL the library runs on a Node without it (or with an older one).
  const tooOld = embeddedDatabaseNodeProblem();
  if (tooOld) throw new EmbeddedDatabaseNodeError(tooOld);
  const { openSqlite } = await import("./sqlite.js");
  const sqlite = openSqlite(options.dataDir);
  const db = new Kysely<Database>({
    dialect: detectOutages(new SqliteDialect({ database: createSqliteAdapter(sqlite) }), isSqliteOutage),
  });
  try {
    await migrateSqlite(sqlite, db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    if (sqlite.isOpen) sqlite.close();
    throw error;
  }
  // One connection, lent to one query or transaction at a time (Kysely's SqliteDriver).
  return { db, kind: "sqlite", stats: () => ({ connections: sqlite.isOpen ? 1 : 0 }), close: () => db.destroy() };
}

/**
 * Kysely runs SQLite migrations outside a transaction and takes no lock (it
 * assumes one process). A server and the CLI may start on a new file at the
 * same moment, so hold SQLite's write lock around the whole run: the second
 * waits (busy_timeout), then finds the schema done. A failed migration rolls
 * back completely (SQLite's DDL is transactional).
 */
async function migrateSqlite(sqlite: DatabaseSync, db: Kysely<unknown>): Promise<void> {
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    await migrateToLatest(db, "sqlite");
    sqlite.exec("COMMIT");
  } catch (error) {
    if (sqlite.isTransaction) sqlite.exec("ROLLBACK");
    throw error;
  }
}
