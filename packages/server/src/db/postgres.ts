import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DatabaseHandle } from "./database-handle.js";
import { migrateToLatest } from "./migrate.js";
import { detectOutages } from "./outage-detecting-dialect.js";
import type { Database } from "./schema.js";

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

/** openDatabase's PostgreSQL side: a pg pool, migrated. Loaded only when DATABASE_URL is set. */
export async function openPostgres(databaseUrl: string, poolSize: number | undefined): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize ?? 10,
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
    url: databaseUrl,
    stats: () => ({ connections: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
