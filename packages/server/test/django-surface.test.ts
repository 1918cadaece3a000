import type { CallOptions, CallResult } from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, createClock, data, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/**
 * The Django REST + SimpleJWT surface (DJANGO_COMPAT=on) over real HTTP:
 * what the reference app answers to each request (DRF's and SimpleJWT's
 * status codes and JSON shapes, its cookies) checked against Tollgate.
 */

const NOT_AUTHENTICATED = { detail: "Authentication credentials were not provided." };
const NO_ACTIVE_ACCOUNT = { detail: "No active account found with the given credentials" };
const TOKEN_NOT_VALID = { detail: "Token is invalid or expired", code: "token_not_valid" };
const ACCESS_NOT_VALID = { detail: "Given token not valid for any token type", code: "token_not_valid" };
const REQUIRED = ["This field is required."];

function post<T = unknown>(
  browser: TestBrowser,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  return browser.request<T>("POST", path, body === undefined ? undefined : JSON.stringify(body), options);
}

function get<T = unknown>(browser: TestBrowser, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  return browser.request<T>("GET", path, undefined, options);
}

function cookieLine(result: CallResult, name: string): string | undefined {
  return result.setCookies.find((line) => line.startsWith(`${name}=`));
}

describe.each(backends())("the Django REST surface on %s", (backend) => {
  const clock = createClock();
  let server: TestServer;
  let aliceId: string;
  beforeAll(async () => {
    server = await startTestServer(backend, { clock, config: { djangoCompat: true } });
    aliceId = await server.createUser("alice", "alice password", { firstName: "Alice", lastName: "Archer" });
    await server.createUser("bob", "bob password");
    await server.createUser("carol", "carol password");
    await server.createUser("dora", "dora password");
    const ivan = await server.createUser("ivan", "ivan password");
    await server.database.db.updateTable("users").set({ is_active: false }).where("id", "=", ivan).execute();
  });
  afterAll(() => server?.close());

  const browser = () => new TestBrowser(server.url);

  interface Row {
    readonly name: string;
    readonly send: (b: TestBrowser) => Promise<CallResult>;
    readonly status: number;
    readonly body: unknown;
  }

  // The reference's behaviour, request by request; each row in a browser of its own.
  const rows: Row[] = [
    {
      name: "login with the right credentials",
      send: (b) => post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" }),
      status: 200,
      body: {},
    },
    {
      name: "login with a wrong password",
      send: (b) => post(b, "/accounts/auth/login/", { username: "alice", password: "wrong" }),
      status: 401,
      body: NO_ACTIVE_ACCOUNT,
    },
    {
      name: "login as an unknown user",
      send: (b) => post(b, "/accounts/auth/login/", { username: "nobody", password: "whatever" }),
      status: 401,
      body: NO_ACTIVE_ACCOUNT,
    },
    {
      name: "login of an inactive account with its right password",
      send: (b) => post(b, "/accounts/auth/login/", { username: "ivan", password: "ivan password" }),
      status: 401,
      body: NO_ACTIVE_ACCOUNT,
    },
    {
      name: "login with whitespace around username and password (DRF trims both)",
      send: (b) => post(b, "/accounts/auth/login/", { username: " alice ", password: "\talice password " }),
      status: 200,
      body: {},
    },
    {
      name: "login with a whitespace-only password",
      send: (b) => post(b, "/accounts/auth/login/", { username: "alice", password: "   " }),
      status: 400,
      body: { password: ["This field may not be blank."] },
    },
    {
      name: "login without fields",
      send: (b) => post(b, "/accounts/auth/login/", {}),
      status: 400,
      body: { username: REQUIRED, password: REQUIRED },
    },
    {
      name: "login without a password",
      send: (b) => post(b, "/accounts/auth/login/", { username: "alice" }),
      status: 400,
      body: { password: REQUIRED },
    },
    {
      name: "login with a blank username and a null password",
      send: (b) => post(b, "/accounts/auth/login/", { username: "", password: null }),
      status: 400,
      body: { username: ["This field may not be blank."], password: ["This field may not be null."] },
    },
    {
      name: "login with an over-long username",
      send: (b) => post(b, "/accounts/auth/login/", { username: "a".repeat(151), password: "x" }),
      status: 400,
      body: { username: ["Ensure this field has no more than 150 characters."] },
    },
    {
      name: "login with a JSON list",
      send: (b) => post(b, "/accounts/auth/login/", ["alice"]),
      status: 400,
      body: { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] },
    },
    {
      name: "login with broken JSON",
      send: (b) => b.request("POST", "/accounts/auth/login/", "{"),
      status: 400,
      body: { detail: expect.stringMatching(/^JSON parse error - /) },
    },
    {
      name: "login with a form body",
      send: (b) =>
        b.request("POST", "/accounts/auth/login/", "username=alice", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
      status: 415,
      body: { detail: 'Unsupported media type "application/x-www-form-urlencoded" in request.' },
    },
    {
      name: "login with GET",
      send: (b) => get(b, "/accounts/auth/login/"),
      status: 405,
      body: { detail: 'Method "GET" not allowed.' },
    },
    {
      name: "refresh without a cookie",
      send: (b) => post(b, "/accounts/auth/refresh_token/"),
      status: 403,
      body: NOT_AUTHENTICATED,
    },
    {
      name: "refresh with a made-up token",
      send: (b) =>
        post(b, "/accounts/auth/refresh_token/", undefined, { headers: { cookie: "refresh_token=abc.def" } }),
      status: 401,
      body: TOKEN_NOT_VALID,
    },
    {
      name: "refresh with a JWT while no DJANGO_SECRET_KEY is set",
      send: (b) =>
        post(b, "/accounts/auth/refresh_token/", undefined, {
          headers: { cookie: "refresh_token=eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" },
        }),
      status: 401,
      body: TOKEN_NOT_VALID,
    },
    {
      name: "current user without credentials",
      send: (b) => get(b, "/accounts/user/"),
      status: 401,
      body: NOT_AUTHENTICATED,
    },
    {
      name: "current user with a bad Bearer token",
      send: (b) => get(b, "/accounts/user/", { headers: { authorization: "Bearer not.a.token" } }),
      status: 401,
      body: ACCESS_NOT_VALID,
    },
    {
      name: "current user with another Authorization scheme (SimpleJWT passes over it)",
      send: (b) => get(b, "/accounts/user/", { headers: { authorization: "Basic YWxpY2U6YWxpY2U=" } }),
      status: 401,
      body: NOT_AUTHENTICATED,
    },
    {
      name: "current user with Bearer and two values",
      send: (b) => get(b, "/accounts/user/", { headers: { authorization: "Bearer a.b.c d.e.f" } }),
      status: 401,
      body: {
        detail: "Authorization header must contain two space-delimited values",
        code: "bad_authorization_header",
      },
    },
    {
      name: "current user with a bad access cookie",
      send: (b) => get(b, "/accounts/user/", { headers: { cookie: "access_token=x.y.z" } }),
      status: 401,
      body: ACCESS_NOT_VALID,
    },
    {
      name: "current user with POST",
      send: (b) => post(b, "/accounts/user/", {}),
      status: 405,
      body: { detail: 'Method "POST" not allowed.' },
    },
    {
      name: "logout without cookies",
      send: (b) => post(b, "/accounts/auth/logout/"),
      status: 200,
      body: { detail: "Successfully logged out." },
    },
    {
      name: "an unknown path",
      send: (b) => get(b, "/accounts/nope/"),
      status: 404,
      body: { detail: "Not found." },
    },
  ];

  it.each(rows)("$name: $status", async (row) => {
    const result = await row.send(browser());
    expect(result.status).toBe(row.status);
    expect(result.body).toEqual(row.body);
    expect(result.headers.get("content-type")).toBe("application/json");
    expect(result.headers.get("cache-control")).toBe("no-store");
    if (row.status === 401) expect(result.headers.get("www-authenticate")).toBe('Bearer realm="api"');
  });

  it("signs in with the reference's cookies, serves the user, refreshes and signs out", async () => {
    const b = browser();
    const login = await post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" });
    expect(login.status).toBe(200);
    expect(cookieLine(login, "access_token")).toBe(
      `access_token=${b.cookies.get("access_token")?.value}; Path=/; Max-Age=900; HttpOnly; SameSite=Lax`,
    );
    expect(cookieLine(login, "refresh_token")).toBe(
      `refresh_token=${b.cookies.get("refresh_token")?.value}; Path=/accounts/auth/; Max-Age=2592000; HttpOnly; SameSite=Lax`,
    );
    // Tollgate's refresh cookie is not set beside it: one refresh cookie per session.
    expect(login.setCookies.filter((line) => line.startsWith("refresh_token=")).length).toBe(1);
    expect(JSON.stringify(login.body)).not.toContain(b.cookies.get("access_token")?.value);

    const me = await get(b, "/accounts/user/");
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: aliceId, username: "alice", first_name: "Alice", last_name: "Archer" });
    // The same access token as a Bearer (non-browser clients of the old API).
    const access = b.cookies.get("access_token")?.value as string;
    const bearer = await get(browser(), "/accounts/user/", { headers: { authorization: `Bearer ${access}` } });
    expect(bearer.body).toEqual(me.body);

    // The account page and the SDK see the session: the access and CSRF cookies are Tollgate's.
    expect(data<{ username: string }>(await b.query("user.me")).username).toBe("alice");
    const sessions = data<{ current: boolean; authMethod: string }[]>(await b.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("password");

    const before = b.cookies.get("refresh_token")?.value;
    const refreshed = await post(b, "/accounts/auth/refresh_token/");
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({});
    expect(cookieLine(refreshed, "refresh_token")).toMatch(/; Path=\/accounts\/auth\/; Max-Age=2592000; HttpOnly/);
    expect(b.cookies.get("refresh_token")?.value).not.toBe(before);
    expect((await get(b, "/accounts/user/")).status).toBe(200);

    const stale = { ...b.cookies.get("access_token") } as { value: string };
    const staleRefresh = b.cookies.get("refresh_token")?.value as string;
    const out = await post(b, "/accounts/auth/logout/");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ detail: "Successfully logged out." });
    expect(cookieLine(out, "access_token")).toMatch(/^access_token=; Path=\/; Max-Age=0/);
    expect(cookieLine(out, "refresh_token")).toMatch(/^refresh_token=; Path=\/accounts\/auth\/; Max-Age=0/);
    // The session is over: its access token is refused, its refresh token too.
    const after = await get(browser(), "/accounts/user/", { headers: { authorization: `Bearer ${stale.value}` } });
    expect(after.status).toBe(401);
    const replayed = await post(browser(), "/accounts/auth/refresh_token/", undefined, {
      headers: { cookie: `refresh_token=${staleRefresh}` },
    });
    expect(replayed.status).toBe(401);
    expect(replayed.body).toEqual(TOKEN_NOT_VALID);
  });

  it("reads the access cookie when Authorization holds another scheme", async () => {
    const b = browser();
    expect((await post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" })).status).toBe(
      200,
    );
    const basic = await get(b, "/accounts/user/", { headers: { authorization: "Basic YWxpY2U6YWxpY2U=" } });
    expect(basic.status).toBe(200);
    expect(basic.body).toMatchObject({ username: "alice" });
  });

  it("answers a listed CORS origin as under /trpc: preflight, then the call with credentials", async () => {
    const app = "https://app.example";
    const listed = await server.startAnother({ corsOrigins: [app] });
    const b = new TestBrowser(listed.url);
    const preflight = await fetch(`${listed.url}/accounts/auth/login/`, {
      method: "OPTIONS",
      headers: {
        origin: app,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(app);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const login = await post(
      b,
      "/accounts/auth/login/",
      { username: "alice", password: "alice password" },
      {
        origin: app,
      },
    );
    expect(login.status).toBe(200);
    expect(login.headers.get("access-control-allow-origin")).toBe(app);
    // An origin not listed is still another site's: refused before the credentials are looked at.
    const other = await post(
      browser(),
      "/accounts/auth/login/",
      { username: "alice", password: "alice password" },
      {
        origin: "https://other.example",
      },
    );
    expect(other.status).toBe(403);
  });

  it("with COOKIE_SECURE sets the reference's names beside Tollgate's prefixed ones, and reads either", async () => {
    const secure = await server.startAnother({ cookieSecure: true });
    const b = new TestBrowser(secure.url, "__Host-csrf_token");
    const login = await post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" });
    expect(login.status).toBe(200);
    const access = b.cookies.get("access_token")?.value as string;
    expect(cookieLine(login, "access_token")).toBe(
      `access_token=${access}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(cookieLine(login, "__Host-access_token")).toContain(`__Host-access_token=${access};`);
    expect(cookieLine(login, "refresh_token")).toMatch(/; Path=\/accounts\/auth\/; Max-Age=2592000; HttpOnly; Secure;/);
    expect(cookieLine(login, "__Secure-refresh_token")).toBeUndefined();
    const own = { headers: { cookie: `__Host-access_token=${access}` } };
    expect((await get(new TestBrowser(secure.url), "/accounts/user/", own)).status).toBe(200);
    expect((await post(b, "/accounts/auth/refresh_token/")).status).toBe(200);
    const out = await post(b, "/accounts/auth/logout/");
    expect(cookieLine(out, "access_token")).toMatch(/^access_token=; Path=\/; Max-Age=0/);
    expect(cookieLine(out, "__Host-access_token")).toMatch(/Max-Age=0/);
    expect(cookieLine(out, "refresh_token")).toMatch(/^refresh_token=; Path=\/accounts\/auth\/; Max-Age=0/);
  });

  it("is off by default: 404 under /accounts/ without DJANGO_COMPAT=on", async () => {
    const other = await server.startAnother({ djangoCompat: false });
    const b = new TestBrowser(other.url);
    const login = await post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" });
    expect(login.status).toBe(404);
    expect(login.setCookies).toEqual([]);
    expect((await get(b, "/accounts/user/")).status).toBe(404);
    expect((await post(b, "/accounts/auth/refresh_token/")).status).toBe(404);
  });

  it("refuses every POST from another site's Origin, and changes nothing", async () => {
    const b = browser();
    await post(b, "/accounts/auth/login/", { username: "alice", password: "alice password" });
    const refresh = b.cookies.get("refresh_token")?.value;
    const evil = { origin: "https://evil.example" };
    for (const path of ["/accounts/auth/login/", "/accounts/auth/refresh_token/", "/accounts/auth/logout/"]) {
      const result = await post(b, path, { username: "alice", password: "alice password" }, evil);
      expect(result.status).toBe(403);
      expect(result.body).toEqual({
        detail: "CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.",
      });
      expect(result.setCookies).toEqual([]);
    }
    // A cross-site form post without Origin, told by Sec-Fetch-Site.
    const crossSite = await post(b, "/accounts/auth/logout/", undefined, {
      origin: null,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    // Nothing changed: the session lives, the refresh token still rotates.
    expect(b.cookies.get("refresh_token")?.value).toBe(refresh);
    expect((await post(b, "/accounts/auth/refresh_token/")).status).toBe(200);
  });

  it("rotates refresh tokens with Tollgate's theft detection", async () => {
    const b = browser();
    await post(b, "/accounts/auth/login/", { username: "bob", password: "bob password" });
    const first = b.cookies.get("refresh_token")?.value as string;
    const asCookie = (token: string) => ({ headers: { cookie: `refresh_token=${token}` } });
    expect((await post(b, "/accounts/auth/refresh_token/")).status).toBe(200);
    const successor = b.cookies.get("refresh_token")?.value;

    // A replay inside the grace (a lost response) gets the same successor.
    clock.advance(5);
    const replay = await post(browser(), "/accounts/auth/refresh_token/", undefined, asCookie(first));
    expect(replay.status).toBe(200);
    expect(cookieLine(replay, "refresh_token")).toContain(`refresh_token=${successor};`);

    // After the grace the old token is theft: refused, and the whole session ends.
    clock.advance(11);
    const theft = await post(browser(), "/accounts/auth/refresh_token/", undefined, asCookie(first));
    expect(theft.status).toBe(401);
    expect(theft.body).toEqual(TOKEN_NOT_VALID);
    expect(cookieLine(theft, "refresh_token")).toMatch(/^refresh_token=; Path=\/accounts\/auth\/; Max-Age=0/);
    const legit = await post(b, "/accounts/auth/refresh_token/");
    expect(legit.status).toBe(401);
    expect(legit.body).toEqual(TOKEN_NOT_VALID);
    expect((await get(b, "/accounts/user/")).status).toBe(401);
    const events = await server.database.db
      .selectFrom("audit_events")
      .select("event")
      .where("event", "=", "refresh_reuse_detected")
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(1);
  });

  it("counts sign-in attempts with auth.login's limiter, before the check, per username and IP", async () => {
    // Three wrong here and two through tRPC: one limit (LOGIN_MAX_FAILURES=5).
    for (let i = 0; i < 3; i++) {
      const wrong = await post(browser(), "/accounts/auth/login/", { username: "carol", password: `wrong ${i}` });
      expect(wrong.status).toBe(401);
    }
    for (let i = 0; i < 2; i++) expect((await browser().login("carol", `wrong trpc ${i}`)).status).toBe(401);
    const limited = await post(browser(), "/accounts/auth/login/", { username: "carol", password: "carol password" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      detail: `Request was throttled. Expected available in ${limited.headers.get("retry-after")} seconds.`,
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.setCookies).toEqual([]);

    // Sent all at once: no more checks than the limit allows.
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(browser(), "/accounts/auth/login/", { username: "dora", password: `wrong ${i}` }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(5);
  });
});
