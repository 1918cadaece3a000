import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Migration, sql } from "kysely";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/usage.js";
import { openDatabase } from "../src/db/client.js";
import { createTollgate, type Tollgate, type TollgateOptions } from "../src/index.js";
import { type Backend, backends, createTestDatabase, testConfig } from "./support/index.js";
import { spawnSource } from "./support/main-process.js";

/** A database that outlives its connections (a restart finds what it left): a file for SQLite. */
interface KeptDatabase {
  open: TestDatabaseOpen;
  drop(): Promise<void>;
}
type TestDatabaseOpen = () => ReturnType<typeof openDatabase>;

async function keptDatabase(backend: Backend): Promise<KeptDatabase> {
  if (backend === "postgres") return createTestDatabase(backend);
  const dataDir = mkdtempSync(join(tmpdir(), "tollgate-host-app-"));
  return {
    open: () => openDatabase({ databaseUrl: undefined, dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

const loadConfigScript = new URL("./fixtures/host-app/load-config.ts", import.meta.url).pathname;

/** A logger whose lines are kept, as a host app's log would show them. */
function capturedLogger(): { logger: pino.Logger; messages: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: pino({ level: "info" }, stream),
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

describe("a host app's configuration errors", () => {
  it("are one line on stderr naming the variable, and the process exits with status 1", async () => {
    const child = spawnSource(loadConfigScript, [], { AUTH_SECRET: "short", DATA_DIR: "memory://" });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^Invalid configuration: AUTH_SECRET must be/),
    ]);
  });
});

describe.each(backends())("a host app on Tollgate (%s)", (backend) => {
  const open: { tollgate: Tollgate; testDb: KeptDatabase }[] = [];

  async function start(options: Omit<TollgateOptions, "database">, testDb?: KeptDatabase) {
    const db = testDb ?? (await keptDatabase(backend));
    const tollgate = await createTollgate({ ...options, database: await db.open() });
    open.push({ tollgate, testDb: db });
    return { tollgate, testDb: db };
  }

  afterEach(async () => {
    for (const { tollgate, testDb } of open.splice(0)) await stop(tollgate, testDb);
  });

  async function stop(tollgate: Tollgate, testDb?: KeptDatabase): Promise<void> {
    await tollgate.close();
    await tollgate.services.database.close();
    await testDb?.drop();
  }

  it("logs the first-run setup link at start when it serves the account page", async () => {
    const { logger, messages } = capturedLogger();
    const config = testConfig({ webRoot: "/srv/account-page", publicOrigin: "https://app.example.com" });
    await start({ config, logger });
    const line = messages().find((message) => message.startsWith("No user yet"));
    expect(line).toMatch(/create the first account at https:\/\/app\.example\.com\/setup\?token=[\w-]{43} /);
  });

  it("names the CLI command when no account page is served, and says nothing once a user exists", async () => {
    const first = capturedLogger();
    const { tollgate, testDb } = await start({ config: testConfig(), logger: first.logger });
    expect(first.messages()).toContain(
      "No user yet: create the first account with `npx tollgate user:create --username NAME --password-stdin` (or serve the account page, config.webRoot, for a one-time setup link)",
    );
    // The flags it names are the CLI's own (its usage), the required ones.
    expect(COMMANDS["user:create"]?.synopsis).toMatch(/^--username NAME .*--password-stdin$/);
    const passwordHash = await tollgate.services.auth.passwords.hash("a long passphrase");
    await tollgate.services.users.create({ username: "owner", passwordHash });
    open.pop();
    await stop(tollgate);
    const again = capturedLogger();
    await start({ config: testConfig({ webRoot: "/srv/account-page" }), logger: again.logger }, testDb);
    expect(again.messages().filter((message) => message.startsWith("No user yet"))).toEqual([]);
  });

  type NotesTables = { notes: { id: string; user_id: string; text: string } };
  const notesMigration: Migration = {
    async up(db) {
      await db.schema
        .createTable("notes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await sql`drop table notes`.execute(db);
    },
  };

  it("runs the app's migrations beside Tollgate's, once, with a history of their own, and types its tables", async () => {
    const silent = pino({ level: "silent" });
    const { tollgate, testDb } = await start({
      config: testConfig(),
      logger: silent,
      migrations: { "0001_notes": notesMigration },
    });
    const notes = tollgate.services.database.db.withTables<NotesTables>();
    await notes.insertInto("notes").values({ id: "n1", user_id: "u1", text: "hello" }).execute();
    open.pop();
    await stop(tollgate);

    // A restart runs nothing again: the note is still there, the history has one row.
    const restarted = await start(
      { config: testConfig(), logger: silent, migrations: () => ({ "0001_notes": notesMigration }) },
      testDb,
    );
    const db = restarted.tollgate.services.database.db.withTables<NotesTables & { app_migration: { name: string } }>();
    expect(await db.selectFrom("notes").select("text").execute()).toEqual([{ text: "hello" }]);
    expect(await db.selectFrom("app_migration").select("name").execute()).toEqual([{ name: "0001_notes" }]);
  });

  it("names the app's failed migration, and starts nothing", async () => {
    const broken: Migration = {
      async up(db) {
        await sql`select * from no_such_table`.execute(db);
      },
    };
    await expect(
      start({ config: testConfig(), logger: pino({ level: "silent" }), migrations: { "0001_broken": broken } }),
    ).rejects.toThrow("Migration 0001_broken of the app failed");
  });
});
