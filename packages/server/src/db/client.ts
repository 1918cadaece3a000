import type { DatabaseSync } from "node:sqlite";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { EmbeddedDatabaseNodeError, embeddedDatabaseNodeProblem } from "./embedded-database-node.js";
import { migrateToLatest } from "./migrate.js";
import type { SqlDialect } from "./migrations/dialect-types.js";
import { detectOutages } from "./outage-detecting-dialect.js";
import type { Database } from "./schema.js";
import { createSqliteAdapter } from "./sqlite-adapter.js";
import { isSqliteOutage } from "./sqlite-errors.js";

/** What the database's connections are doing now (metrics). */
export interface DatabaseStats {
  /** Connections open: the pool's, or the embedded database's one. */
  readonly connections: number;
  /** Open connections no query holds (PostgreSQL's pool only). */
  readonly idle?: number;
  /** Queries waiting for a connection (PostgreSQL's pool only). */
  readonly waiting?: number;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: SqlDialect;
  stats(): DatabaseStats;
  /** PostgreSQL: its postgres:// URL, for a connection of its own outside the pool (LISTEN). */
  readonly url?: string;
  /** Closes every connection (pool or embedded database). */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** pg pool size; several instances share one PostgreSQL. */
  readonly poolSize?: number;
}

// int8 (count(*), identity) as JS numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** SQLSTATE classes 08 (connection exception) and 57P01-03 (shutdown, crash, cannot connect now). */
const UNREACHABLE_SQLSTATE = /^(08|57P0[123])/;

/**
 * pg reports a statement the server refused as a `DatabaseError` carrying a
 * SQLSTATE; every other error out of a query (socket closed, connection
 * terminated, pool ended) means the server could not be reached.
 */
function isPostgresOutage(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return UNREACHABLE_SQLSTATE.test(error.code ?? "");
  return error instanceof Error;
}

/** Opens the database the configuration names and migrates it to the latest schema. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // A connection the server drops (restart, pg_terminate_backend) also emits
    // 'error' on its client, even while checked out by a query that already
    // got the same error. Without a listener that would crash the process;
    // the query's caller still sees the failure, and the pool replaces the client.
    pool.on("error", () => {});
    pool.on("connect", (client) => {
      client.on("error", () => {});
    });
    const db = new Kysely<Database>({ dialect: detectOutages(new PostgresDialect({ pool }), isPostgresOutage) });
    try {
      await migrateToLatest(db as Kysely<unknown>, "postgres");
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return {
      db,
      kind: "postgres",
      url: options.databaseUrl,
      stats: () => ({ connections: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: () => db.destroy(),
    };
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
