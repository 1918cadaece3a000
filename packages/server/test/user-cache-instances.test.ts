import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import {
  backends,
  data,
  errorOf,
  requirePostgresUrl,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

/** The contract's second for a revocation; a change to a user travels the same feed. */
const WITHIN_MS = 1000;

interface Profile {
  id: string;
  firstName: string;
  email: string | null;
  emailVerified: boolean;
  pendingEmail: string | null;
}

/** user.me's answer, or the refusal's authCode. */
async function me(browser: TestBrowser): Promise<Profile | string | undefined> {
  const res = await browser.query("user.me");
  return res.status === 200 ? data<Profile>(res) : errorOf(res).data.authCode;
}

async function firstName(browser: TestBrowser): Promise<string | undefined> {
  const answer = await me(browser);
  return typeof answer === "object" ? answer.firstName : answer;
}

/** The same signed-in browser, talking to another instance (the access token is valid on both). */
function sameCookiesOn(url: string, browser: TestBrowser): TestBrowser {
  const copy = new TestBrowser(url);
  for (const [name, cookie] of browser.cookies) copy.cookies.set(name, { ...cookie });
  return copy;
}

describe.each(backends())("user.me from memory, two instances on %s", (backend) => {
  let server: TestServer;
  let other: { url: string; app: App };
  let users = 0;
  beforeAll(async () => {
    server = await startTestServer(backend);
    other = await server.startAnother();
  });
  afterAll(() => server?.close());

  /** A fresh user signed in on the first instance (a), and the same session used on the other (b). */
  async function signedIn(): Promise<{ a: TestBrowser; b: TestBrowser; userId: string; password: string }> {
    const username = `cached${++users}`;
    const password = `${username} passphrase`;
    const userId = await server.createUser(username, password);
    const a = new TestBrowser(server.url);
    expect((await a.login(username, password)).status).toBe(200);
    return { a, b: sameCookiesOn(other.url, a), userId, password };
  }

  it("a name changed on one instance: that instance shows it at once, the other within the second", async () => {
    const { a, b } = await signedIn();
    // Both hold the user in memory now.
    expect(await firstName(a)).toBe("");
    expect(await firstName(b)).toBe("");
    expect((await a.mutation("user.updateProfile", { firstName: "Ada" })).status).toBe(200);
    expect(await firstName(a)).toBe("Ada");
    await expect.poll(() => firstName(b), { timeout: WITHIN_MS, interval: 50 }).toBe("Ada");
  });

  it("deactivated by an operator's own SQL: both instances refuse user.me within the second", async () => {
    const { a, b, userId } = await signedIn();
    expect(await firstName(a)).toBe("");
    expect(await firstName(b)).toBe("");
    await server.database.db.updateTable("users").set({ is_active: false }).where("id", "=", userId).execute();
    for (const browser of [a, b]) {
      await expect.poll(() => me(browser), { timeout: WITHIN_MS, interval: 50 }).toBe("ACCOUNT_INACTIVE");
    }
  });

  it("a new address: pending on the other instance within the second, then attached (the followed link) shown there", async () => {
    const { a, b, userId, password } = await signedIn();
    expect(await me(b)).toMatchObject({ email: null, pendingEmail: null });
    const asked = await a.mutation("user.updateProfile", { email: "moved@example.org", currentPassword: password });
    expect(asked.status).toBe(200);
    expect(await me(a)).toMatchObject({ email: null, pendingEmail: "moved@example.org" });
    await expect
      .poll(() => me(b), { timeout: WITHIN_MS, interval: 50 })
      .toMatchObject({ email: null, pendingEmail: "moved@example.org" });

    // What auth.verifyEmail does with a followed link: the address attached, verified.
    expect(await server.app.services.users.attachEmail(userId, "moved@example.org")).toBeDefined();
    expect(await me(a)).toMatchObject({ email: "moved@example.org", emailVerified: true, pendingEmail: null });
    await expect
      .poll(() => me(b), { timeout: WITHIN_MS, interval: 50 })
      .toMatchObject({ email: "moved@example.org", emailVerified: true, pendingEmail: null });
  });

  it("renamed by another writer's SQL (an operator, another process): both instances within the second", async () => {
    const { a, b, userId } = await signedIn();
    expect(await firstName(b)).toBe("");
    await server.database.db.updateTable("users").set({ first_name: "Grace" }).where("id", "=", userId).execute();
    await expect.poll(() => firstName(b), { timeout: WITHIN_MS, interval: 50 }).toBe("Grace");
    await expect.poll(() => firstName(a), { timeout: WITHIN_MS, interval: 50 }).toBe("Grace");
  });
});

describe("user.me while the change feed is down (PostgreSQL)", () => {
  let server: TestServer;
  let listener: { url: string; app: App };
  let admin: pg.Client;
  beforeAll(async () => {
    server = await startTestServer("postgres");
    // Slow to reconnect, so the test can look at it while its channel is down.
    listener = await server.startAnother({}, { revocationRetry: { initialMs: 3000, maxMs: 3000 } });
    await server.createUser("nia", "nia passphrase");
    admin = new pg.Client({ connectionString: requirePostgresUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.close();
  });

  /** Written through the first instance's pool, which the listener does not share. */
  async function rename(name: string): Promise<void> {
    await server.database.db.updateTable("users").set({ first_name: name }).where("username", "=", "nia").execute();
  }

  async function mode(): Promise<unknown> {
    const res = await fetch(`${listener.url}/healthz`);
    return ((await res.json()) as { revocations: unknown }).revocations;
  }

  it("its LISTEN connection killed: every user.me reads the database; back live, memory again with nothing stale", async () => {
    const browser = new TestBrowser(server.url);
    expect((await browser.login("nia", "nia passphrase")).status).toBe(200);
    const onListener = sameCookiesOn(listener.url, browser);
    expect(await firstName(onListener)).toBe("");

    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [listener.app.services.revocationFeed.connectionName],
    );
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
    await expect.poll(mode, { interval: 20 }).toBe("database");

    // No notification can reach it now: the change is read from the row, at once.
    await rename("Offline");
    expect(await firstName(onListener)).toBe("Offline");
    expect(listener.app.services.userCache.size).toBe(0);
    await rename("Again");
    expect(await firstName(onListener)).toBe("Again");

    await expect.poll(mode, { timeout: 15_000, interval: 50 }).toBe("live");
    expect(await firstName(onListener)).toBe("Again");
    await rename("Live");
    await expect.poll(() => firstName(onListener), { timeout: WITHIN_MS, interval: 50 }).toBe("Live");
  });
});
