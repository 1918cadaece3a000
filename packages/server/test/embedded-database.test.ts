import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DummyDriver,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteDialect,
  sql,
} from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/db/client.js";
import { init } from "../src/db/migrations/0001_init.js";
import { PreviousVersionDataError } from "../src/db/previous-version.js";
import type { Database } from "../src/db/schema.js";
import { openSqlite } from "../src/db/sqlite.js";
import { createSqliteAdapter, sqliteTimestamp, toSqliteValue } from "../src/db/sqlite-adapter.js";
import { createKyselySessionStore } from "../src/stores/session-store.js";
import { createUserStore, UsernameTakenError } from "../src/stores/user-store.js";
import { backends, createPostgresDatabase, createTestDatabase, spawnSource } from "./support/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** How far ahead the racers' common start is set, once all are ready: time for each to read it. */
const START_LEAD_MS = 100;

/**
 * Runs `count` processes of `script` (test/fixtures/start-together.ts) that
 * start their work at one instant, set once every one has said it is ready
 * (each takes its own time to start); resolves with what each printed after.
 */
async function race(script: string, args: string[], count: number): Promise<string[]> {
  const racers = Array.from({ length: count }, () => {
    const child = spawnSource(script, args, {});
    let out = "";
    let onReady = () => {};
    // A racer that exits before it is ready (a failure) does not hold the others back.
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
    });
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.startsWith("ready\n")) onReady();
    });
    const closed = new Promise<void>((done) => child.on("close", () => done()));
    void closed.then(onReady);
    return { child, ready, output: closed.then(() => out.replace(/^ready\n/, "").trim()) };
  });
  await Promise.all(racers.map((r) => r.ready));
  const at = Date.now() + START_LEAD_MS;
  for (const { child } of racers) child.stdin?.end(`${at}\n`);
  return Promise.all(racers.map((r) => r.output));
}

async function open(backend: "sqlite" | "postgres"): Promise<DatabaseHandle> {
  const testDb = await createTestDatabase(backend);
  const handle = await testDb.open();
  cleanups.push(async () => {
    await handle.close();
    await testDb.drop();
  });
  return handle;
}

describe("embedded SQLite", () => {
  it("keeps DATA_DIR/tollgate.db in WAL mode with busy_timeout, synchronous=FULL and foreign keys", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-sqlite-"));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir });
    cleanups.push(() => handle.close());
    expect(handle.kind).toBe("sqlite");
    expect(existsSync(join(dataDir, "tollgate.db"))).toBe(true);
    const pragma = async (name: string) =>
      Object.values((await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(handle.db)).rows[0] ?? {})[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("busy_timeout")).toBe(5000);
    expect(await pragma("synchronous")).toBe(2); // FULL
    expect(await pragma("foreign_keys")).toBe(1);
  });

  it("stores instants as fixed-width ISO-8601 UTC text, which orders in time", async () => {
    expect(sqliteTimestamp(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
    expect(sqliteTimestamp(new Date(Date.UTC(9999, 11, 31)))).toHaveLength(24);
    expect(() => sqliteTimestamp(new Date(Date.UTC(10_000, 0, 1)))).toThrow(RangeError);
    expect(() => sqliteTimestamp(new Date(Number.NaN))).toThrow(RangeError);

    const { db } = await open("sqlite");
    const users = createUserStore(db);
    const sessions = createKyselySessionStore(db);
    const userId = (await users.create({ username: "tess", passwordHash: "x" })).id;
    // 9 s before 10 s: wrong as numbers-in-text ("9" > "10"), right as fixed-width ISO text.
    const instants = [new Date("2026-01-01T00:00:09.000Z"), new Date("2026-01-01T00:00:10.000Z")];
    for (const [i, createdAt] of instants.entries()) {
      await sessions.insert({
        id: `s${i}`,
        userId,
        lookupHash: `l${i}`,
        currentHash: `c${i}`,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 1000),
        userAgent: null,
        ip: null,
        authMethod: null,
        amr: [],
        authTime: null,
      });
    }
    const stored = await sql<{ at: unknown; kind: string }>`
      SELECT created_at AS at, typeof(created_at) AS kind FROM sessions ORDER BY created_at`.execute(db);
    expect(stored.rows).toEqual([
      { at: "2026-01-01T00:00:09.000Z", kind: "text" },
      { at: "2026-01-01T00:00:10.000Z", kind: "text" },
    ]);
    const listed = await sessions.listForUser(userId, new Date("2026-01-01T00:00:09.500Z"));
    expect(listed.map((s) => s.id)).toEqual(["s1", "s0"]);
    expect(listed[0]?.createdAt).toEqual(instants[1]);
    const live = await sessions.listForUser(userId, new Date("2026-01-01T00:00:10.500Z"));
    expect(live.map((s) => s.id)).toEqual(["s1"]);
  });

  it("binds booleans as 1 / 0 and refuses values node:sqlite cannot bind", () => {
    expect(toSqliteValue(true)).toBe(1);
    expect(toSqliteValue(false)).toBe(0);
    expect(toSqliteValue(null)).toBeNull();
    expect(toSqliteValue(7n)).toBe(7n);
    expect(() => toSqliteValue({ a: 1 })).toThrow(TypeError);
    expect(() => toSqliteValue(undefined)).toThrow(TypeError);
  });

  it("runs one transaction at a time: a concurrent query or transaction waits, a rollback takes only its own rows", async () => {
    const { db } = await open("sqlite");
    const row = (username: string) => ({
      id: randomUUID(),
      username,
      password_hash: "x",
      created_at: new Date(),
      updated_at: new Date(),
    });
    const order: string[] = [];
    let wroteFirst = () => {};
    let releaseFirst = () => {};
    const firstWrote = new Promise<void>((resolve) => {
      wroteFirst = resolve;
    });
    const othersWaiting = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const first = db.transaction().execute(async (trx) => {
      order.push("first begins");
      await trx.insertInto("users").values(row("first")).execute();
      wroteFirst();
      // Holds the connection, its row written, until the read and the second transaction wait for it.
      await othersWaiting;
      order.push("first rolls back");
      throw new Error("roll back");
    });
    await firstWrote;
    const readDuring = db.selectFrom("users").select("username").execute();
    const second = db.transaction().execute(async (trx) => {
      order.push("second begins");
      await trx.insertInto("users").values(row("second")).execute();
      order.push("second commits");
    });
    // Both reach Kysely's connection lock through promise continuations only (no I/O): by the
    // next turn of the event loop they are waiting on it.
    await new Promise((resolve) => setImmediate(resolve));
    releaseFirst();
    await expect(first).rejects.toThrow("roll back");
    await second;
    expect((await readDuring).map((r) => r.username)).toEqual([]);
    expect(order).toEqual(["first begins", "first rolls back", "second begins", "second commits"]);
    expect((await db.selectFrom("users").select("username").execute()).map((r) => r.username)).toEqual(["second"]);
  });

  it("processes opening a new database file at the same instant migrate it once, without errors", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-migrate-race-"));
    const outputs = await race("test/fixtures/open-database-at.ts", [dataDir], 4);
    expect(outputs).toEqual(["opened", "opened", "opened", "opened"]);
    const handle = await openDatabase({ databaseUrl: undefined, dataDir });
    cleanups.push(() => handle.close());
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(handle.db);
    expect(rows.map((r) => r.name)).toEqual([
      "0001_init",
      "0002_sessions_revoked_at",
      "0003_signing_keys",
      "0004_user_email",
      "0005_account_mail",
      "0006_setup_tokens",
      "0007_mfa",
      "0008_mfa_lockout",
      "0010_username_skeleton",
      "0011_mfa_unlock_at",
      "0012_step_up",
      "0013_user_changes",
      "0014_admin_role",
      "0015_webhook_outbox",
    ]);
  });

  it("of processes racing to rotate one token on one file, exactly one swaps it (SQLite's write lock)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-rotate-race-"));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir });
    cleanups.push(() => handle.close());
    const userId = (await createUserStore(handle.db).create({ username: "rory", passwordHash: "x" })).id;
    const now = new Date();
    await createKyselySessionStore(handle.db).insert({
      id: "raced",
      userId,
      lookupHash: "lookup",
      currentHash: "current",
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3600_000),
      userAgent: null,
      ip: null,
      authMethod: null,
      amr: [],
      authTime: null,
    });
    const outputs = await race("test/fixtures/rotate-at.ts", [dataDir, "raced", "current"], 4);
    expect(outputs.sort()).toEqual(["lost", "lost", "lost", "rotated"]);
    const stored = await createKyselySessionStore(handle.db).findById("raced");
    expect(stored?.previousHash).toBe("current");
    expect(stored?.currentHash).toMatch(/^next-/);
  });

  it("refuses a DATA_DIR holding the PGlite database of the previous version, saying what to do", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-old-"));
    mkdirSync(join(dataDir, "pglite"));
    const opening = openDatabase({ databaseUrl: undefined, dataDir });
    await expect(opening).rejects.toBeInstanceOf(PreviousVersionDataError);
    await expect(opening).rejects.toThrow(/earlier Tollgate version.*delete .*pglite/);
    expect(existsSync(join(dataDir, "tollgate.db"))).toBe(false);
  });
});

describe.each(backends())("users on %s", (backend) => {
  it("usernames are unique ignoring case, Unicode included, and found in any case", async () => {
    const { db } = await open(backend);
    const users = createUserStore(db);
    await users.create({ username: "Ärger", passwordHash: "x" });
    await expect(users.create({ username: "äRGER", passwordHash: "x" })).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(users.create({ username: "ärger", passwordHash: "x" })).rejects.toBeInstanceOf(UsernameTakenError);
    expect((await users.findByUsername("ÄRGER"))?.username).toBe("Ärger");
    expect((await users.findByUsername("Ärger"))?.username).toBe("Ärger");
    await users.create({ username: "Alice", passwordHash: "x" });
    await expect(users.create({ username: "ALICE", passwordHash: "x" })).rejects.toBeInstanceOf(UsernameTakenError);
  });

  it("isActive comes back as a boolean", async () => {
    const { db } = await open(backend);
    const users = createUserStore(db);
    await users.create({ username: "on", passwordHash: "x" });
    await users.create({ username: "off", passwordHash: "x", isActive: false });
    expect((await users.findByUsername("on"))?.isActive).toBe(true);
    expect((await users.findByUsername("off"))?.isActive).toBe(false);
  });
});

describe("migration 0001 on PostgreSQL", () => {
  it("issues exactly the DDL it always did (databases that already ran it must match new ones)", async () => {
    const statements: string[] = [];
    const db = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (d) => new PostgresIntrospector(d),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    await init("postgres").up(db);
    expect(statements).toEqual([
      `create table "users" ("id" text primary key, "username" text not null, "first_name" text default '' not null, "last_name" text default '' not null, "password_hash" text not null, "is_active" boolean default true not null, "created_at" timestamptz not null, "updated_at" timestamptz not null)`,
      "CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username))",
      `create table "sessions" ("id" text primary key, "user_id" text not null references "users" ("id") on delete cascade, "lookup_hash" text not null unique, "current_hash" text not null, "previous_hash" text, "rotation_salt" text, "created_at" timestamptz not null, "rotated_at" timestamptz not null, "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz, "revoked_reason" text, "user_agent" text, "ip" text)`,
      `create index "sessions_user_id_idx" on "sessions" ("user_id")`,
      `create table "audit_events" ("id" bigint generated always as identity primary key, "at" timestamptz not null, "event" text not null, "user_id" text, "session_id" text, "username" text, "ip" text, "user_agent" text, "detail" text)`,
      `create index "audit_events_user_id_at_idx" on "audit_events" ("user_id", "at")`,
    ]);
  });
});

describe.each(backends())("migration 0002 (sessions.revoked_at index) on %s", (backend) => {
  it("migrates a database that ran only 0001, keeping its sessions, and the index serves revokedSince", async () => {
    // A database as the previous version left it: 0001 only, with a revoked session in it.
    let databaseUrl: string | undefined;
    let dataDir = "memory://";
    let previous: Kysely<unknown>;
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      databaseUrl = created.url;
      previous = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: created.url }) }) });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), "tollgate-0001-"));
      previous = new Kysely({ dialect: new SqliteDialect({ database: createSqliteAdapter(openSqlite(dataDir)) }) });
    }
    const onlyInit = new Migrator({
      db: previous,
      provider: { getMigrations: async () => ({ "0001_init": init(backend) }) },
    });
    expect((await onlyInit.migrateToLatest()).error).toBeUndefined();
    const old = previous as Kysely<Database>;
    // The users table as 0001 made it (no email columns): inserted without today's user store.
    const userId = "olga-id";
    const created = new Date();
    await old
      .insertInto("users")
      .values({
        id: userId,
        username: "olga",
        password_hash: "x",
        is_active: true,
        created_at: created,
        updated_at: created,
      })
      .execute();
    // The sessions table as 0001 made it (no auth_method yet): inserted without today's session store too.
    const revokedAt = new Date("2026-03-01T12:00:00.000Z");
    const sessionCreated = new Date("2026-03-01T11:00:00.000Z");
    await old
      .insertInto("sessions")
      .values({
        id: "before-0002",
        user_id: userId,
        lookup_hash: "l",
        current_hash: "c",
        created_at: sessionCreated,
        rotated_at: sessionCreated,
        last_used_at: sessionCreated,
        expires_at: new Date("2026-04-01T11:00:00.000Z"),
        user_agent: null,
        ip: null,
      })
      .execute();
    await createKyselySessionStore(old).revoke("before-0002", "logout", revokedAt);
    await previous.destroy();

    const handle = await openDatabase({ databaseUrl, dataDir });
    cleanups.push(() => handle.close());
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(handle.db);
    expect(rows.map((r) => r.name)).toEqual([
      "0001_init",
      "0002_sessions_revoked_at",
      "0003_signing_keys",
      "0004_user_email",
      "0005_account_mail",
      "0006_setup_tokens",
      "0007_mfa",
      "0008_mfa_lockout",
      "0010_username_skeleton",
      "0011_mfa_unlock_at",
      "0012_step_up",
      "0013_user_changes",
      "0014_admin_role",
      "0015_webhook_outbox",
    ]);
    const since = new Date("2026-03-01T00:00:00.000Z");
    expect(await createKyselySessionStore(handle.db).revokedSince(since)).toEqual([{ id: "before-0002", revokedAt }]);
    // 0004: the user from before has no address, unverified, and still signs in by username.
    expect(await createUserStore(handle.db).findByUsername("OLGA")).toMatchObject({
      email: null,
      emailVerified: false,
    });
    // The query plan uses the partial index for `revoked_at > ?` on both databases.
    const plan = await handle.db.connection().execute(async (connection) => {
      if (backend === "postgres") await sql`SET enable_seqscan = off`.execute(connection);
      const explain = backend === "postgres" ? sql.raw("EXPLAIN") : sql.raw("EXPLAIN QUERY PLAN");
      const result = await sql<
        Record<string, unknown>
      >`${explain} SELECT id, revoked_at FROM sessions WHERE revoked_at > ${since}`.execute(connection);
      if (backend === "postgres") await sql`RESET enable_seqscan`.execute(connection);
      return JSON.stringify(result.rows);
    });
    expect(plan).toContain("sessions_revoked_at_idx");
  });
});
