import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, data, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

interface SignedIn {
  user: { id: string; username: string; firstName: string; lastName: string };
  accessTokenExpiresAt: number;
}

describe.each(backends())("procedures on %s", (backend) => {
  let server: TestServer;
  let userId: string;
  beforeAll(async () => {
    server = await startTestServer(backend);
    userId = await server.createUser("alice", "correct horse", { firstName: "Alice", lastName: "Liddell" });
  });
  afterAll(() => server?.close());

  it("auth.login sets the three cookies with the contract's attributes and returns the user", async () => {
    const browser = new TestBrowser(server.url);
    const before = Date.now();
    const res = await browser.login("alice", "correct horse");
    expect(res.status).toBe(200);
    const body = data<SignedIn>(res);
    expect(body.user).toEqual({
      id: userId,
      username: "alice",
      firstName: "Alice",
      lastName: "Liddell",
      email: null,
      emailVerified: false,
    });
    expect(body.accessTokenExpiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(body.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 900_000);

    const byName = Object.fromEntries(res.setCookies.map((line) => [line.split("=")[0], line]));
    expect(byName.access_token).toMatch(
      /^access_token=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=900; HttpOnly; SameSite=Lax$/,
    );
    expect(byName.refresh_token).toMatch(
      /^refresh_token=[\w-]+\.[\w-]+; Path=\/trpc\/auth\.refresh; Max-Age=2592000; HttpOnly; SameSite=Lax$/,
    );
    expect(byName.csrf_token).toMatch(/^csrf_token=[\w-]+\.[\w-]+; Path=\/; Max-Age=2592000; SameSite=Lax$/);
    // Tokens never appear in a response body.
    const text = JSON.stringify(res.body);
    for (const c of browser.cookies.values()) expect(text).not.toContain(c.value);
  });

  it("accepts the username in any case and refuses a wrong password with the same message as an unknown user", async () => {
    const browser = new TestBrowser(server.url);
    expect((await browser.login("ALICE", "correct horse")).status).toBe(200);
    const wrong = await new TestBrowser(server.url).login("alice", "wrong");
    const unknown = await new TestBrowser(server.url).login("nobody", "wrong");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
    expect(errorOf(wrong).data.code).toBe("UNAUTHORIZED");
    expect(wrong.setCookies).toEqual([]);
  });

  it("user.me answers from the access cookie or a Bearer header, and 401 without either", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const me = await browser.query("user.me");
    expect(me.status).toBe(200);
    expect(data(me)).toEqual({
      id: userId,
      username: "alice",
      firstName: "Alice",
      lastName: "Liddell",
      email: null,
      emailVerified: false,
      // New field: an address asked for and not confirmed yet.
      pendingEmail: null,
    });

    const token = browser.cookies.get("access_token")?.value;
    const bearer = await new TestBrowser(server.url).query("user.me", undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(data(bearer)).toMatchObject({ username: "alice" });

    const anonymous = await new TestBrowser(server.url).query("user.me");
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous).data.code).toBe("UNAUTHORIZED");
    const malformed = await new TestBrowser(server.url).query("user.me", undefined, {
      headers: { authorization: "Basic abc" },
    });
    expect(malformed.status).toBe(401);
  });

  it("auth.refresh rotates the refresh token and issues a new access token", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const oldRefresh = browser.cookies.get("refresh_token")?.value;
    const oldCsrf = browser.cookies.get("csrf_token")?.value;
    const res = await browser.mutation("auth.refresh");
    expect(res.status).toBe(200);
    expect(data<SignedIn>(res).user.username).toBe("alice");
    expect(browser.cookies.get("refresh_token")?.value).not.toBe(oldRefresh);
    // The CSRF token stays the session's: a call racing the refresh still matches.
    expect(browser.cookies.get("csrf_token")?.value).toBe(oldCsrf);
    expect((await browser.query("user.me")).status).toBe(200);
  });

  it("auth.refresh without a refresh cookie is 401 and clears the cookies", async () => {
    const browser = new TestBrowser(server.url);
    const res = await browser.mutation("auth.refresh");
    expect(res.status).toBe(401);
    expect(res.setCookies).toHaveLength(3);
    for (const line of res.setCookies) expect(line).toContain("Max-Age=0");
    expect(res.setCookies.find((l) => l.startsWith("refresh_token="))).toContain("Path=/trpc/auth.refresh");
  });

  it("auth.logout revokes this session and clears the cookies; refresh fails at once", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const saved = new Map(browser.cookies);
    const res = await browser.mutation("auth.logout");
    expect(res.status).toBe(200);
    expect(res.setCookies.every((l) => l.includes("Max-Age=0"))).toBe(true);
    // Only the known-device cookie stays: it names the browser, not the session (docs/SECURITY.md).
    expect([...browser.cookies.keys()]).toEqual(["known_device"]);
    // An attacker who kept the cookies cannot refresh.
    const replay = new TestBrowser(server.url);
    for (const [k, v] of saved) replay.cookies.set(k, v);
    const refresh = await replay.mutation("auth.refresh");
    expect(refresh.status).toBe(401);
    expect(errorOf(refresh).data.authCode).toBe("SESSION_REVOKED");
  });

  it("auth.logoutAll revokes every session of the user", async () => {
    // A user of its own: the other tests' sessions of alice would blur the count.
    await server.createUser("carol", "carol's password");
    const a = new TestBrowser(server.url);
    const b = new TestBrowser(server.url);
    await a.login("carol", "carol's password");
    await b.login("carol", "carol's password");
    const res = await a.mutation("auth.logoutAll");
    expect(res.status).toBe(200);
    expect(data<{ revoked: number }>(res).revoked).toBe(2);
    expect((await b.mutation("auth.refresh")).status).toBe(401);
  });

  it("Bearer-authenticated mutations need no CSRF header", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const token = browser.cookies.get("access_token")?.value;
    const res = await new TestBrowser(server.url).mutation("auth.logout", undefined, {
      origin: null,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });

  it("batches calls: one response holds every call's result", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const res = await browser.request<Array<{ result?: { data: { username: string } } }>>(
      "GET",
      "/trpc/user.me,user.me?batch=1&input=%7B%7D",
      undefined,
    );
    expect(res.status).toBe(200);
    expect(res.body.map((r) => r.result?.data.username)).toEqual(["alice", "alice"]);
  });

  it("a batch's response carries the Set-Cookie lines of every call in it", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const refreshToken = browser.cookies.get("refresh_token")?.value;
    const csrfToken = browser.cookies.get("csrf_token")?.value;
    // Two refreshes racing with one token: the second is inside the reuse grace,
    // so both succeed and each sets the three cookies. The refresh cookie's Path
    // does not cover a batch URL, so it is sent by hand.
    const res = await browser.request<Array<{ result?: unknown }>>(
      "POST",
      "/trpc/auth.refresh,auth.refresh?batch=1",
      "{}",
      { noCookies: true, headers: { cookie: `refresh_token=${refreshToken}; csrf_token=${csrfToken}` } },
    );
    expect(res.status).toBe(200);
    expect(res.body.every((r) => r.result !== undefined)).toBe(true);

    const names = res.setCookies.map((line) => line.split("=")[0]).sort();
    expect(names).toEqual([
      "access_token",
      "access_token",
      "csrf_token",
      "csrf_token",
      "refresh_token",
      "refresh_token",
    ]);
    for (const line of res.setCookies.filter((l) => l.startsWith("access_token="))) {
      expect(line).toMatch(/^access_token=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=900; HttpOnly; SameSite=Lax$/);
    }
    const refreshLines = res.setCookies.filter((l) => l.startsWith("refresh_token="));
    for (const line of refreshLines) {
      expect(line).toMatch(
        /^refresh_token=[\w-]+\.[\w-]+; Path=\/trpc\/auth\.refresh; Max-Age=2592000; HttpOnly; SameSite=Lax$/,
      );
    }
    // Both calls hand back the same successor, so the session does not fork.
    expect(refreshLines[0]).toBe(refreshLines[1]);
    expect(refreshLines[0]).not.toContain(`refresh_token=${refreshToken};`);
    for (const line of res.setCookies.filter((l) => l.startsWith("csrf_token="))) {
      expect(line).toBe(`csrf_token=${csrfToken}; Path=/; Max-Age=2592000; SameSite=Lax`);
    }
  });
});
