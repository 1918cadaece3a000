import { randomBytes } from "node:crypto";
import { type DatabaseHandle, openDatabase } from "@tollgate/server";
import pg from "pg";
import { testDatabaseUrl } from "./env.js";

/** Tollgate's two databases: embedded SQLite, or PostgreSQL. */
export type Backend = "sqlite" | "postgres";

/**
 * The databases to run a suite on: SQLite always, PostgreSQL too when
 * TEST_DATABASE_URL is set (`describe.each(backends())`). With it set, an
 * unreachable server fails the suite rather than skipping it.
 */
export function backends(): Backend[] {
  return testDatabaseUrl() ? ["sqlite", "postgres"] : ["sqlite"];
}

/** TEST_DATABASE_URL, or an error saying it is missing. */
export function requirePostgresUrl(): string {
  const url = testDatabaseUrl();
  if (!url)
    throw new Error(
      "TEST_DATABASE_URL is not set (postgres://user@host:port/database of a server to make test databases on)",
    );
  return url;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A PostgreSQL database made for one test file (or benchmark run): its URL, and `drop` to remove it. */
export interface PostgresDatabase {
  readonly url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty PostgreSQL database named `${prefix}_<random>` on
 * the server of `adminUrl` (default TEST_DATABASE_URL), whose user may
 * CREATE DATABASE.
 */
export async function createPostgresDatabase(
  adminUrl: string = requirePostgresUrl(),
  prefix = "tollgate_test",
): Promise<PostgresDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new TypeError("prefix: lower-case letters, digits and _ only");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A database of one test's own, on either backend. */
export interface TestDatabase {
  readonly backend: Backend;
  /** The postgres:// URL of this database (PostgreSQL only): give it to a second process or the CLI. */
  readonly url: string | undefined;
  /** Opens a connection (a pool, on PostgreSQL); Tollgate migrates it when it starts on it. Close it yourself. */
  open(): Promise<DatabaseHandle>;
  /** Removes the database (PostgreSQL); nothing to do for SQLite in memory. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** PostgreSQL only: the server to create the database on (default TEST_DATABASE_URL). */
  readonly adminUrl?: string;
}

/**
 * SQLite: an in-memory database that vanishes with the handle (each `open`
 * is a new, empty one). PostgreSQL: a fresh database on the test server,
 * which every `open` connects to.
 */
export async function createTestDatabase(backend: Backend, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (backend === "sqlite") {
    return {
      backend,
      url: undefined,
      open: () => openDatabase({ databaseUrl: undefined, dataDir: "memory://" }),
      drop: async () => {},
    };
  }
  const created = await createPostgresDatabase(options.adminUrl);
  return {
    backend,
    url: created.url,
    open: () => openDatabase({ databaseUrl: created.url, dataDir: "memory://" }),
    drop: created.drop,
  };
}
