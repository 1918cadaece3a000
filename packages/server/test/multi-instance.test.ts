import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { createPostgresDatabase, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

const runOnPostgres = Boolean(process.env.TEST_DATABASE_URL);

describe.runIf(runOnPostgres)("two instances on one PostgreSQL database", () => {
  let server: TestServer;
  let secondUrl: string;
  beforeAll(async () => {
    server = await startTestServer("postgres");
    secondUrl = (await server.startAnother()).url;
    await server.createUser("kim", "kim password");
  });
  afterAll(() => server?.close());

  function onInstance(browser: TestBrowser, url: string): TestBrowser {
    const moved = new TestBrowser(url);
    for (const [k, v] of browser.cookies) moved.cookies.set(k, { ...v });
    return moved;
  }

  it("login on one, refresh and user.me on the other", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("kim", "kim password");
    const there = onInstance(browser, secondUrl);
    expect((await there.mutation("auth.refresh", undefined, { origin: secondUrl })).status).toBe(200);
    expect((await there.query("user.me")).status).toBe(200);
  });

  it("parallel refreshes of one token across both leave exactly one live token", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("kim", "kim password");
    const clients = Array.from({ length: 20 }, (_, i) => onInstance(browser, i % 2 ? secondUrl : server.url));
    const results = await Promise.all(clients.map((c) => c.mutation("auth.refresh", undefined, { origin: c.baseUrl })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(clients.map((c) => c.cookies.get("refresh_token")?.value));
    expect(tokens.size).toBe(1);
    const rows = await server.database.db.selectFrom("sessions").select(["id", "revoked_at"]).execute();
    expect(rows.every((r) => r.revoked_at === null)).toBe(true);
    // The one successor keeps working on either instance.
    const [winner] = clients;
    expect((await winner?.mutation("auth.refresh", undefined, { origin: winner.baseUrl }))?.status).toBe(200);
  });

  it("two instances starting together on an empty database migrate it once, without errors", async () => {
    const fresh = await createPostgresDatabase();
    try {
      const both = await Promise.all([
        openDatabase({ databaseUrl: fresh.url, dataDir: "memory://" }),
        openDatabase({ databaseUrl: fresh.url, dataDir: "memory://" }),
      ]);
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(both[0].db);
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
      for (const handle of both) await handle.close();
    } finally {
      await fresh.drop();
    }
  });
});
