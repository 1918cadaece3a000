import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  data,
  errorOf,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

describe.each(backends())("refresh-token reuse on %s", (backend) => {
  const clock = createClock();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { clock });
    await server.createUser("carol", "carol password");
  });
  afterAll(() => server?.close());

  function copy(browser: TestBrowser): TestBrowser {
    const twin = new TestBrowser(server.url);
    for (const [k, v] of browser.cookies) twin.cookies.set(k, { ...v });
    return twin;
  }

  it("hands a replay inside the grace the same successor", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("carol", "carol password");
    const stale = copy(browser);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    const successor = browser.cookies.get("refresh_token")?.value;
    clock.advance(5);
    const replay = await stale.mutation("auth.refresh");
    expect(replay.status).toBe(200);
    expect(stale.cookies.get("refresh_token")?.value).toBe(successor);
    // The session did not fork: the successor still rotates normally.
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
  });

  it("treats the rotated token after the grace as theft and ends the session", async () => {
    // A user of its own, so the audit trail holds only this theft.
    const userId = await server.createUser("dave", "dave password");
    const browser = new TestBrowser(server.url);
    await browser.login("dave", "dave password");
    const thief = copy(browser);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    clock.advance(11);
    const reuse = await thief.mutation("auth.refresh");
    expect(reuse.status).toBe(401);
    expect(errorOf(reuse).data.authCode).toBe("REFRESH_REUSED");
    expect(reuse.setCookies.every((l) => l.includes("Max-Age=0"))).toBe(true);
    // The legitimate holder's newest token is dead too.
    const legit = await browser.mutation("auth.refresh");
    expect(legit.status).toBe(401);
    expect(errorOf(legit).data.authCode).toBe("SESSION_REVOKED");
    const events = await server.database.db
      .selectFrom("audit_events")
      .select("event")
      .where("event", "=", "refresh_reuse_detected")
      .where("user_id", "=", userId)
      .execute();
    expect(events).toHaveLength(1);
  });

  it("treats a token two rotations old as theft even inside the grace", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("carol", "carol password");
    const thief = copy(browser);
    await browser.mutation("auth.refresh");
    await browser.mutation("auth.refresh");
    expect((await thief.mutation("auth.refresh")).status).toBe(401);
    expect((await browser.mutation("auth.refresh")).status).toBe(401);
  });

  it("parallel refreshes of one token all succeed with one successor", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("carol", "carol password");
    const twins = Array.from({ length: 10 }, () => copy(browser));
    const results = await Promise.all(twins.map((t) => t.mutation("auth.refresh")));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const tokens = new Set(twins.map((t) => t.cookies.get("refresh_token")?.value));
    expect(tokens.size).toBe(1);
    const [first] = twins;
    expect((await first?.mutation("auth.refresh"))?.status).toBe(200);
  });

  it("expires the access token after ACCESS_TOKEN_TTL; refresh brings it back", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("carol", "carol password");
    clock.advance(901);
    const me = await browser.query("user.me");
    expect(me.status).toBe(401);
    expect(errorOf(me).data.authCode).toBe("TOKEN_EXPIRED");
    const refreshed = await browser.mutation("auth.refresh");
    expect(data<{ accessTokenExpiresAt: number }>(refreshed).accessTokenExpiresAt).toBe(
      Math.floor(clock.now() / 1000) * 1000 + 900_000,
    );
    expect((await browser.query("user.me")).status).toBe(200);
  });

  it("ends a session idle longer than SESSION_IDLE_TIMEOUT, and at REFRESH_TOKEN_TTL however active", async () => {
    const idle = new TestBrowser(server.url);
    await idle.login("carol", "carol password");
    clock.advance(604_801);
    const res = await idle.mutation("auth.refresh");
    expect(res.status).toBe(401);
    expect(errorOf(res).data.authCode).toBe("SESSION_EXPIRED");

    const busy = new TestBrowser(server.url);
    await busy.login("carol", "carol password");
    for (let day = 0; day < 29; day++) {
      clock.advance(86_400);
      expect((await busy.mutation("auth.refresh")).status).toBe(200);
    }
    clock.advance(86_400);
    expect(errorOf(await busy.mutation("auth.refresh")).data.authCode).toBe("SESSION_EXPIRED");
  });
});
