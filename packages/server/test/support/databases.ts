import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.js";

export type Backend = "sqlite" | "postgres";

/**
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it, and
 * an unreachable server then fails the suite instead of skipping it).
 */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];
}

export function requirePostgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface TestDatabase {
  readonly backend: Backend;
  /** postgres:// URL of this test's own database (PostgreSQL only). */
  readonly url: string | undefined;
  open(): Promise<DatabaseHandle>;
  /** Drops the database (PostgreSQL). */
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database (one per test file, benchmark or soak run), dropped by `drop`. */
export async function createPostgresDatabase(
  adminUrl: string = requirePostgresUrl(),
  prefix = "tollgate_test",
): Promise<{ url: string; drop(): Promise<void> }> {
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

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "sqlite") {
    // In memory: a database of this test's own that vanishes with it.
    return {
      backend,
      url: undefined,
      open: () => openDatabase({ databaseUrl: undefined, dataDir: "memory://" }),
      drop: async () => {},
    };
  }
  const created = await createPostgresDatabase();
  return {
    backend,
    url: created.url,
    open: () => openDatabase({ databaseUrl: created.url, dataDir: "memory://" }),
    drop: created.drop,
  };
}
