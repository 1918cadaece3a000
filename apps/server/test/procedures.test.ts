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
    expect(body.user).toEqual({ id: userId, username: "alice", firstName: "Alice", lastName: "Liddell" });
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
    expect(data(me)).toEqual({ id: userId, username: "alice", firstName: "Alice", lastName: "Liddell" });

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
    expect(browser.cookies.size).toBe(0);
    // An attacker who kept the cookies cannot refresh.
    const replay = new TestBrowser(server.url);
    for (const [k, v] of saved) replay.cookies.set(k, v);
    const refresh = await replay.mutation("auth.refresh");
    expect(refresh.status).toBe(401);
    expect(errorOf(refresh).data.authCode).toBe("SESSION_REVOKED");
  });

  it("auth.logoutAll revokes every session of the user", async () => {
    const a = new TestBrowser(server.url);
    const b = new TestBrowser(server.url);
    await a.login("alice", "correct horse");
    await b.login("alice", "correct horse");
    const res = await a.mutation<{ result: { data: { revoked: number } } }>("auth.logoutAll");
    expect(res.status).toBe(200);
    expect(data<{ revoked: number }>(res).revoked).toBeGreaterThanOrEqual(2);
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

  it("batches calls and merges their cookies in one response", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("alice", "correct horse");
    const res = await browser.request<Array<{ result?: { data: unknown } }>>(
      "GET",
      "/trpc/user.me,user.me?batch=1&input=%7B%7D",
      undefined,
    );
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
  });
});
