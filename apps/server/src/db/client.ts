import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { isMemoryDataDir } from "./data-dir.js";
import { migrateToLatest } from "./migrate.js";
import { detectOutages } from "./outage-detecting-dialect.js";
import type { Database } from "./schema.js";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: "postgres" | "pglite";
  /** Closes every connection (pool or embedded instance). */
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

export function pgliteDataDir(dataDir: string): string | undefined {
  return isMemoryDataDir(dataDir) ? undefined : `${dataDir.replace(/\/$/, "")}/pglite`;
}

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

/** PGlite reports a refused statement with a SQLSTATE `code`; anything else means the instance is closed or broken. */
function isPgliteOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return !(typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) || UNREACHABLE_SQLSTATE.test(code);
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
      await migrateToLatest(db as Kysely<unknown>);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return { db, kind: "postgres", close: () => db.destroy() };
  }

  const dir = pgliteDataDir(options.dataDir);
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const client = await PGlite.create(dir ? { dataDir: dir } : {});
  // kysely-pglite-dialect hands out PGlite's single session one holder at a
  // time, so transactions never interleave.
  const db = new Kysely<Database>({ dialect: detectOutages(new PGliteDialect(client), isPgliteOutage) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    db,
    kind: "pglite",
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}
