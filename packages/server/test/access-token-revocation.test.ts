import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { decodeRevocations, encodeRevocations } from "../src/revocations/channel.js";
import {
  backends,
  runCli as cli,
  createPostgresDatabase,
  errorOf,
  type MainProcess,
  requirePostgresUrl,
  startMain,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

/** Contract: an ended session's access tokens are refused by every instance within 1 second. */
const WITHIN_MS = 1000;

/** 200 when the access token is accepted, else the refusal's authCode. */
async function outcome(url: string, token: string): Promise<number | string | undefined> {
  const res = await new TestBrowser(url).query("auth.session", undefined, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status === 200 ? 200 : errorOf(res).data.authCode;
}

async function revocationsMode(url: string): Promise<unknown> {
  const res = await fetch(`${url}/healthz`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { revocations: unknown }).revocations;
}

function accessToken(browser: TestBrowser): string {
  const token = browser.cookies.get("access_token")?.value;
  if (!token) throw new Error("no access token cookie");
  return token;
}

async function signIn(url: string, username: string, password: string): Promise<TestBrowser> {
  const browser = new TestBrowser(url);
  expect((await browser.login(username, password)).status).toBe(200);
  return browser;
}

describe.each(backends())("access tokens of ended sessions, two instances on %s", (backend) => {
  let server: TestServer;
  let other: string;
  let users = 0;
  beforeAll(async () => {
    server = await startTestServer(backend);
    other = (await server.startAnother()).url;
  });
  afterAll(() => server?.close());

  /** A user of this test's own, signed in on the first instance. */
  async function freshUser(): Promise<{ username: string; password: string }> {
    const username = `user${++users}`;
    const password = `${username} password`;
    await server.createUser(username, password);
    return { username, password };
  }

  /** Accepted by both instances, so each has this token's verification cached. */
  async function cachedOnBoth(token: string): Promise<void> {
    expect(await outcome(server.url, token)).toBe(200);
    expect(await outcome(other, token)).toBe(200);
  }

  /** Refused by the instance that ended the session at once, and by the other within the contract's second. */
  async function refusedByBoth(token: string): Promise<void> {
    expect(await outcome(server.url, token)).toBe("SESSION_REVOKED");
    await expect.poll(() => outcome(other, token), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
  }

  it("both instances keep ended sessions in memory: /healthz says revocations are live", async () => {
    expect(await revocationsMode(server.url)).toBe("live");
    expect(await revocationsMode(other)).toBe("live");
  });

  it("auth.logout on one instance: the other refuses the same, already verified (cached) access token within 1 s", async () => {
    const { username, password } = await freshUser();
    const browser = await signIn(server.url, username, password);
    const token = accessToken(browser);
    await cachedOnBoth(token);
    expect((await browser.mutation("auth.logout")).status).toBe(200);
    await refusedByBoth(token);
  });

  it("auth.logoutAll: every session's access token", async () => {
    const { username, password } = await freshUser();
    const first = await signIn(server.url, username, password);
    const second = await signIn(other, username, password);
    const tokens = [accessToken(first), accessToken(second)];
    for (const token of tokens) await cachedOnBoth(token);
    expect((await first.mutation("auth.logoutAll")).status).toBe(200);
    for (const token of tokens) await refusedByBoth(token);
  });

  it("auth.revokeSession: the revoked session's token, and not the caller's", async () => {
    const { username, password } = await freshUser();
    const laptop = await signIn(server.url, username, password);
    const phone = await signIn(server.url, username, password);
    const phoneToken = accessToken(phone);
    await cachedOnBoth(phoneToken);
    const phoneId = (await phone.query<{ result: { data: { sessionId: string } } }>("auth.session")).body.result.data
      .sessionId;
    expect((await laptop.mutation("auth.revokeSession", { id: phoneId })).status).toBe(200);
    await refusedByBoth(phoneToken);
    expect(await outcome(other, accessToken(laptop))).toBe(200);
  });

  it("auth.changePassword: every earlier session's token, the caller's included; the fresh one works", async () => {
    const { username, password } = await freshUser();
    const caller = await signIn(server.url, username, password);
    const elsewhere = await signIn(server.url, username, password);
    const before = [accessToken(caller), accessToken(elsewhere)];
    for (const token of before) await cachedOnBoth(token);
    const res = await caller.mutation("auth.changePassword", { currentPassword: password, newPassword: "a new one" });
    expect(res.status).toBe(200);
    for (const token of before) await refusedByBoth(token);
    await cachedOnBoth(accessToken(caller));
  });

  it("a replayed refresh token: the session's newest access token too", async () => {
    const { username, password } = await freshUser();
    const browser = await signIn(server.url, username, password);
    const thief = new TestBrowser(server.url);
    for (const [name, cookie] of browser.cookies) thief.cookies.set(name, { ...cookie });
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    const newest = accessToken(browser);
    await cachedOnBoth(newest);
    const replay = await thief.mutation("auth.refresh");
    expect(errorOf(replay).data.authCode).toBe("REFRESH_REUSED");
    await refusedByBoth(newest);
  });

  it("a user found inactive at refresh: the session's access token", async () => {
    const { username, password } = await freshUser();
    const browser = await signIn(server.url, username, password);
    const token = accessToken(browser);
    await cachedOnBoth(token);
    await server.database.db.updateTable("users").set({ is_active: false }).where("username", "=", username).execute();
    expect(errorOf(await browser.mutation("auth.refresh")).data.authCode).toBe("ACCOUNT_INACTIVE");
    await refusedByBoth(token);
  });

  it("auth.logoutAll of 1,000 sessions: the other instance refuses every one (NOTIFY payloads under 8000 bytes)", async () => {
    const { username, password } = await freshUser();
    const caller = await signIn(server.url, username, password);
    const { auth } = server.app.services;
    const userId = (await server.app.services.users.findByUsername(username))?.id as string;
    const ids: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const { session } = await auth.sessions.create(userId);
      ids.push(session.id);
      tokens.push((await auth.accessTokens.issue({ userId, sessionId: session.id })).token);
    }
    const payloads = encodeRevocations(ids);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap(decodeRevocations)).toEqual(ids);

    const sample = [tokens[0], tokens[499], tokens[999]] as string[];
    for (const token of sample) await cachedOnBoth(token);
    expect((await caller.mutation("auth.logoutAll")).status).toBe(200);
    for (const token of sample) await refusedByBoth(token);
    for (const token of tokens) expect(await outcome(other, token)).toBe("SESSION_REVOKED");
  });

  it("a restarted instance refuses tokens of sessions ended before it started, and while it was down", async () => {
    const { username, password } = await freshUser();
    const endedBefore = await signIn(server.url, username, password);
    const endedWhileDown = await signIn(server.url, username, password);
    const tokens = [accessToken(endedBefore), accessToken(endedWhileDown)];
    const first: { url: string; app: App } = await server.startAnother();
    for (const token of tokens) expect(await outcome(first.url, token)).toBe(200);
    await endedBefore.mutation("auth.logout");
    await expect
      .poll(() => outcome(first.url, tokens[0] as string), { timeout: WITHIN_MS, interval: 50 })
      .toBe("SESSION_REVOKED");
    await first.app.close();
    await endedWhileDown.mutation("auth.logout");

    // A new process knows nothing in memory: it reloads the revocations of the last access-token lifetime.
    const restarted = await server.startAnother();
    expect(await revocationsMode(restarted.url)).toBe("live");
    for (const token of tokens) expect(await outcome(restarted.url, token)).toBe("SESSION_REVOKED");
  });
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("the revocation channel on PostgreSQL", () => {
  let server: TestServer;
  let listener: { url: string; app: App };
  let admin: pg.Client;
  beforeAll(async () => {
    server = await startTestServer("postgres");
    // Slow to reconnect, so the test can look at it while its channel is down.
    listener = await server.startAnother({}, { revocationRetry: { initialMs: 3000, maxMs: 3000 } });
    await server.createUser("lou", "lou password");
    admin = new pg.Client({ connectionString: requirePostgresUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.close();
  });

  async function listenPids(): Promise<number[]> {
    const name = listener.app.services.revocationFeed.connectionName;
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    return rows.map((row) => row.pid);
  }

  it("its LISTEN connection killed: database checks meanwhile (/healthz says so), then it reconnects and catches up", async () => {
    const checkedDuringOutage = await signIn(server.url, "lou", "lou password");
    const endedDuringOutage = await signIn(server.url, "lou", "lou password");
    const live = await signIn(server.url, "lou", "lou password");
    const [checkedToken, endedToken, liveToken] = [checkedDuringOutage, endedDuringOutage, live].map(accessToken) as [
      string,
      string,
      string,
    ];
    for (const token of [checkedToken, endedToken, liveToken]) expect(await outcome(listener.url, token)).toBe(200);

    const [pid] = await listenPids();
    expect(pid).toBeTypeOf("number");
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await expect.poll(() => revocationsMode(listener.url), { interval: 20 }).toBe("database");

    // Ended through the other instance, whose NOTIFY the listener cannot hear now: refused at once,
    // from the session row, while sessions still live are accepted.
    expect((await checkedDuringOutage.mutation("auth.logout")).status).toBe(200);
    expect(await outcome(listener.url, checkedToken)).toBe("SESSION_REVOKED");
    expect(await outcome(listener.url, liveToken)).toBe(200);
    // Another one ended while it is down, not asked about until it is back.
    expect((await endedDuringOutage.mutation("auth.logout")).status).toBe(200);
    expect(await revocationsMode(listener.url)).toBe("database");

    await expect.poll(() => revocationsMode(listener.url), { timeout: 15_000, interval: 50 }).toBe("live");
    const after = await listenPids();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(pid);
    // Live again, memory only: the session ended while it was away came in with the reload.
    expect(await outcome(listener.url, endedToken)).toBe("SESSION_REVOKED");
    expect(await outcome(listener.url, liveToken)).toBe(200);
    // And notifications flow again.
    expect((await live.mutation("auth.logout")).status).toBe(200);
    await expect
      .poll(() => outcome(listener.url, liveToken), { timeout: WITHIN_MS, interval: 50 })
      .toBe("SESSION_REVOKED");
  });
});

describe.each(backends())("the CLI ending sessions beside a running server on %s", (backend) => {
  let env: Record<string, string>;
  let server: MainProcess;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    env = { DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-revoke-cli-")) };
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    server = await startMain({ ...env, AUTH_SECRET: randomBytes(32).toString("base64url") });
    const created = await cli(["user:create", "--username", "cleo", "--password-stdin"], env, "cleo password\n");
    expect(created.code).toBe(0);
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await drop?.();
  });

  it("sessions:revoke (a process of its own): the server refuses the session's cached access token within 1 s", async () => {
    const browser = await signIn(server.url, "cleo", "cleo password");
    const token = accessToken(browser);
    expect(await outcome(server.url, token)).toBe(200);
    const revoked = await cli(["sessions:revoke", "--username", "cleo"], env);
    expect(revoked.code).toBe(0);
    await expect.poll(() => outcome(server.url, token), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
  });

  it("user:set-password: the server refuses the user's access tokens within 1 s", async () => {
    const browser = await signIn(server.url, "cleo", "cleo password");
    const token = accessToken(browser);
    expect(await outcome(server.url, token)).toBe(200);
    const set = await cli(["user:set-password", "--username", "cleo", "--password-stdin"], env, "cleo password\n");
    expect(set.code).toBe(0);
    await expect.poll(() => outcome(server.url, token), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
  });
});
