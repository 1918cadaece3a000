import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  errorOf,
  startTestServer,
  TestBrowser,
  type TestServer,
  type TRPCErrorBody,
} from "./support/index.js";

const MAX_FAILURES = 5;

/** Audit rows of one event for one username (each failed password check writes one). */
async function auditCount(server: TestServer, event: string, username: string): Promise<number> {
  await server.app.services.audit.flush();
  const rows = await server.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("event", "=", event)
    .where("username", "=", username)
    .execute();
  return rows.length;
}

async function sessionCount(server: TestServer): Promise<number> {
  return (await server.database.db.selectFrom("sessions").select("id").execute()).length;
}

/** One POST carrying `inputs.length` calls of `procedure` as a tRPC batch. */
function batchOf(browser: TestBrowser, procedure: string, inputs: unknown[]) {
  const path = inputs.map(() => procedure).join(",");
  const body = Object.fromEntries(inputs.map((input, i) => [String(i), input]));
  return browser.request<TRPCErrorBody[]>("POST", `/trpc/${path}?batch=1`, JSON.stringify(body));
}

describe.each(backends())("sign-in limit under parallel and batched attempts on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { loginMaxFailures: MAX_FAILURES, loginWindow: 600 } });
  });
  afterAll(() => server?.close());

  const newUser = async () => {
    const username = `erin-${randomBytes(4).toString("hex")}`;
    await server.createUser(username, "erin password");
    return username;
  };

  it("refuses a batch of more than 10 calls before running any of them", async () => {
    const username = await newUser();
    const sessionsBefore = await sessionCount(server);
    const guesses = Array.from({ length: 11 }, () => ({ username, password: "wrong" }));
    const res = await batchOf(new TestBrowser(server.url), "auth.login", guesses);
    expect(res.status).toBe(400);
    expect(res.setCookies).toEqual([]);
    expect(await auditCount(server, "login_failed", username)).toBe(0);
    expect(await sessionCount(server)).toBe(sessionsBefore);
  });

  it("refuses a batch that carries several password checks, the right password included, checking none", async () => {
    const username = await newUser();
    const sessionsBefore = await sessionCount(server);
    const guesses = [
      ...Array.from({ length: 9 }, (_, i) => ({ username, password: `guess ${i}` })),
      { username, password: "erin password" },
    ];
    const res = await batchOf(new TestBrowser(server.url), "auth.login", guesses);
    expect(res.status).toBe(400);
    expect(res.body).toHaveLength(10);
    for (const item of res.body) expect(item.error.data.authCode).toBe("BATCH_NOT_ALLOWED");
    expect(res.setCookies).toEqual([]);
    expect(await auditCount(server, "login_failed", username)).toBe(0);
    expect(await sessionCount(server)).toBe(sessionsBefore);
  });

  it("refuses a password check batched with any other call", async () => {
    const username = await newUser();
    const res = await new TestBrowser(server.url).request<TRPCErrorBody[]>(
      "POST",
      "/trpc/auth.login,auth.logout?batch=1",
      JSON.stringify({ "0": { username, password: "erin password" } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.map((item) => item.error.data.authCode)).toEqual(["BATCH_NOT_ALLOWED", "BATCH_NOT_ALLOWED"]);
    expect(res.setCookies).toEqual([]);
  });

  it("runs at most LOGIN_MAX_FAILURES checks for 40 parallel guesses, then refuses even the right password", async () => {
    const username = await newUser();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => new TestBrowser(server.url).login(username, `guess ${i}`)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - MAX_FAILURES);
    for (const refused of results.filter((r) => r.status === 429)) {
      expect(errorOf(refused).data.authCode).toBe("RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(await auditCount(server, "login_failed", username)).toBe(MAX_FAILURES);
    // Refusals are audited once per key and window, not once per attempt.
    expect(await auditCount(server, "login_rate_limited", username)).toBe(1);
    const right = await new TestBrowser(server.url).login(username, "erin password");
    expect(right.status).toBe(429);
    expect(right.setCookies).toEqual([]);
  });

  it("lets the right password through when it is among the first LOGIN_MAX_FAILURES parallel attempts", async () => {
    const username = await newUser();
    const attempts = [
      ...Array.from({ length: MAX_FAILURES - 1 }, (_, i) => ({ username, password: `guess ${i}` })),
      { username, password: "erin password" },
    ];
    const results = await Promise.all(attempts.map((a) => new TestBrowser(server.url).login(a.username, a.password)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it("counts auth.changePassword checks against the same reserved limit", async () => {
    const username = await newUser();
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, "erin password")).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        browser.mutation("auth.changePassword", { currentPassword: `guess ${i}`, newPassword: "new password 1" }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - MAX_FAILURES);
  });
});

// Shared limits need a shared store: runs when TEST_REDIS_URL is set (CI sets it).
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)("sign-in limit held through Redis across two instances under parallel attempts", () => {
  let server: TestServer;
  let second: string;
  beforeAll(async () => {
    server = await startTestServer(backends().at(-1) ?? "sqlite", {
      config: { loginMaxFailures: MAX_FAILURES, loginWindow: 600, redisUrl },
    });
    second = (await server.startAnother()).url;
  });
  afterAll(() => server?.close());

  it("runs at most LOGIN_MAX_FAILURES checks for 40 guesses split over both instances", async () => {
    const username = `frank-${randomBytes(4).toString("hex")}`;
    await server.createUser(username, "frank password");
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => new TestBrowser(i % 2 ? second : server.url).login(username, `g${i}`)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - MAX_FAILURES);
    expect((await new TestBrowser(second).login(username, "frank password")).status).toBe(429);
  });
});
