import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import { startThrowawayPostgres, TestBrowser, type ThrowawayPostgres, testConfig } from "./support/index.js";

// Needs PostgreSQL's server binaries: runs wherever the PostgreSQL suites run (CI).
describe.runIf(process.env.TEST_DATABASE_URL)("PostgreSQL outages", () => {
  let cluster: ThrowawayPostgres;
  let app: App;
  let url: string;
  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    app = await createApp({
      config: testConfig({
        databaseUrl: cluster.url,
        refreshReuseGrace: 30,
        // Many clients of one account sign in at once from one address; checks in flight count against the limit.
        loginMaxFailures: 100,
      }),
    });
    url = await app.listen(0, "127.0.0.1");
    await app.services.users.create({
      username: "quinn",
      passwordHash: await app.services.auth.passwords.hash("quinn password"),
    });
  });
  afterAll(async () => {
    await app?.close();
    cluster?.destroy();
  });

  function expectCleanError(res: { status: number; body: unknown }): void {
    expect([500, 503]).toContain(res.status);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/"stack"|\.ts:\d+|node:internal/);
  }

  async function healthy(): Promise<number> {
    return (await fetch(`${url}/healthz`)).status;
  }

  it("answers 503 while the database is down and recovers without a restart", async () => {
    const browser = new TestBrowser(url);
    expect((await browser.login("quinn", "quinn password")).status).toBe(200);
    cluster.stop();
    try {
      expect(await healthy()).toBe(503);
      const me = await browser.query("user.me");
      expectCleanError(me);
      expect((me.body as { error: { message: string } }).error.message).toMatch(/Database unavailable/);
      expectCleanError(await new TestBrowser(url).login("quinn", "quinn password"));
      expectCleanError(await browser.mutation("auth.refresh"));
    } finally {
      cluster.start();
    }
    await expect.poll(healthy, { timeout: 20_000, interval: 200 }).toBe(200);
    expect((await browser.query("user.me")).status).toBe(200);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
  });

  it("a restart under load gives clean errors, then service resumes by itself", async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const browser = new TestBrowser(url);
        await browser.login("quinn", "quinn password");
        return browser;
      }),
    );
    let stop = false;
    let restarted = false;
    let resumed = false;
    const statuses: number[] = [];
    const loops = clients.map(async (browser) => {
      while (!stop) {
        const sentAfterRestart = restarted;
        const res = await browser.mutation("auth.refresh");
        statuses.push(res.status);
        if (res.status !== 200) expectCleanError(res);
        else if (sentAfterRestart) resumed = true;
      }
    });
    try {
      // Under load: every client has had an answer.
      await expect.poll(() => statuses.length).toBeGreaterThanOrEqual(clients.length);
      cluster.restart();
      restarted = true;
      // The load goes on until a refresh sent after the restart succeeds, with no restart of the app.
      await expect.poll(() => resumed, { timeout: 20_000 }).toBe(true);
    } finally {
      stop = true;
    }
    await Promise.all(loops);
    expect(statuses.filter((s) => s !== 200 && s !== 500 && s !== 503)).toEqual([]);
    await expect.poll(healthy, { timeout: 20_000, interval: 200 }).toBe(200);
    // Every session survived: the last token each client holds still refreshes
    // (a response lost in the outage is covered by the reuse grace).
    for (const browser of clients) expect((await browser.mutation("auth.refresh")).status).toBe(200);
  });

  it("connections killed in the middle of rotations leave no half-rotated session", async () => {
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const browser = new TestBrowser(url);
        await browser.login("quinn", "quinn password");
        return browser;
      }),
    );
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    let stop = false;
    // Kills in step with the load, not the clock: the next kill waits for a rotation to go through since the
    // last, so connections die while the other clients' rotations are in flight, and never all the time.
    let rotated = () => {};
    const killer = (async () => {
      while (!stop) {
        const next = new Promise<void>((resolve) => {
          rotated = resolve;
        });
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()",
        );
        await next;
      }
    })();
    const loops = clients.map(async (browser) => {
      for (let i = 0; i < 15; i++) {
        const res = await browser.mutation("auth.refresh");
        if (res.status !== 200) expectCleanError(res);
        else rotated();
      }
    });
    await Promise.all(loops);
    stop = true;
    rotated();
    await killer;
    await admin.end();
    await expect.poll(healthy, { timeout: 20_000, interval: 200 }).toBe(200);
    for (const browser of clients) {
      expect((await browser.mutation("auth.refresh")).status).toBe(200);
      expect((await browser.mutation("auth.refresh")).status).toBe(200);
    }
    const revoked = await app.services.database.db
      .selectFrom("sessions")
      .select("id")
      .where("revoked_at", "is not", null)
      .execute();
    expect(revoked).toEqual([]);
  });
});
