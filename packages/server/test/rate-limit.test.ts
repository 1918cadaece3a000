import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

describe.each(backends())("login rate limits on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { loginMaxFailures: 3, loginWindow: 60, trustProxy: true } });
    await server.createUser("erin", "erin password");
  });
  afterAll(() => server?.close());

  const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

  it("blocks a (username, IP) pair after LOGIN_MAX_FAILURES with 429 and Retry-After, even for the right password", async () => {
    const browser = new TestBrowser(server.url);
    for (let i = 0; i < 3; i++) {
      expect(
        (await browser.mutation("auth.login", { username: "erin", password: "nope" }, from("198.51.100.1"))).status,
      ).toBe(401);
    }
    const blocked = await browser.mutation(
      "auth.login",
      { username: "erin", password: "erin password" },
      from("198.51.100.1"),
    );
    expect(blocked.status).toBe(429);
    expect(errorOf(blocked).data.code).toBe("TOO_MANY_REQUESTS");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another client IP is not affected.
    expect(
      (await browser.mutation("auth.login", { username: "erin", password: "erin password" }, from("198.51.100.2")))
        .status,
    ).toBe(200);
  });

  it("limits one IP across usernames (password spraying)", async () => {
    const browser = new TestBrowser(server.url);
    const ip = from("198.51.100.9");
    // 3 × 20 failures per IP per window, spread over usernames.
    for (let i = 0; i < 60; i++) {
      await browser.mutation("auth.login", { username: `user${i}`, password: "guess" }, ip);
    }
    const res = await browser.mutation("auth.login", { username: "erin", password: "erin password" }, ip);
    expect(res.status).toBe(429);
  });

  it("a success resets the pair's failures", async () => {
    const browser = new TestBrowser(server.url);
    const ip = from("198.51.100.3");
    await browser.mutation("auth.login", { username: "erin", password: "nope" }, ip);
    await browser.mutation("auth.login", { username: "erin", password: "nope" }, ip);
    expect((await browser.mutation("auth.login", { username: "erin", password: "erin password" }, ip)).status).toBe(
      200,
    );
    await browser.mutation("auth.login", { username: "erin", password: "nope" }, ip);
    await browser.mutation("auth.login", { username: "erin", password: "nope" }, ip);
    expect((await browser.mutation("auth.login", { username: "erin", password: "erin password" }, ip)).status).toBe(
      200,
    );
  });
});

describe("login rate limits with Redis unreachable", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Port 1: nothing listens there.
    server = await startTestServer("sqlite", { config: { redisUrl: "redis://127.0.0.1:1" } });
    await server.createUser("yuri", "yuri password");
  });
  afterAll(() => server?.close());

  it("fails closed: 503 naming the rate-limit store, no session created", async () => {
    const res = await new TestBrowser(server.url).login("yuri", "yuri password");
    expect(res.status).toBe(503);
    expect(errorOf(res).data.code).toBe("SERVICE_UNAVAILABLE");
    expect(errorOf(res).message).toBe("Rate-limit store (Redis) unavailable, try again shortly");
    expect(res.setCookies).toEqual([]);
    expect(await server.database.db.selectFrom("sessions").select("id").execute()).toEqual([]);
  });
});
