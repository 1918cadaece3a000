import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

describe.each(backends())("CSRF and Origin checks on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { corsOrigins: ["http://app.example.test"] } });
    await server.createUser("bob", "bob password");
  });
  afterAll(() => server?.close());

  async function signedIn(): Promise<TestBrowser> {
    const browser = new TestBrowser(server.url);
    expect((await browser.login("bob", "bob password")).status).toBe(200);
    return browser;
  }

  async function sessionStillLive(browser: TestBrowser): Promise<boolean> {
    return (await browser.mutation("auth.refresh")).status === 200;
  }

  it.each(["auth.logout", "auth.logoutAll", "auth.refresh"])(
    "%s without the CSRF header is 403 and changes nothing",
    async (procedure) => {
      const browser = await signedIn();
      const res = await browser.mutation(procedure, undefined, { csrf: false });
      expect(res.status).toBe(403);
      expect(errorOf(res).data.code).toBe("FORBIDDEN");
      expect(res.setCookies).toEqual([]);
      expect(await sessionStillLive(browser)).toBe(true);
    },
  );

  it("refuses a header that differs from the cookie", async () => {
    const browser = await signedIn();
    const res = await browser.mutation("auth.logout", undefined, { csrf: "AAAA.BBBB" });
    expect(res.status).toBe(403);
  });

  it("refuses another session's CSRF token, even when planted as the cookie too (cookie tossing)", async () => {
    const victim = await signedIn();
    const attacker = await signedIn();
    const attackerToken = attacker.cookies.get("csrf_token")?.value as string;
    const csrfCookie = victim.cookies.get("csrf_token");
    if (!csrfCookie) throw new Error("no csrf cookie");
    victim.cookies.set("csrf_token", { ...csrfCookie, value: attackerToken });
    const res = await victim.mutation("auth.logout", undefined, { csrf: attackerToken });
    expect(res.status).toBe(403);
    expect(errorOf(res).data.authCode).toBe("CSRF");
  });

  it("refuses duplicate CSRF cookies", async () => {
    const browser = await signedIn();
    const token = browser.cookies.get("csrf_token")?.value as string;
    const res = await browser.mutation("auth.logout", undefined, {
      noCookies: true,
      headers: { cookie: `${browser.cookieHeader("/trpc/auth.logout")}; csrf_token=${token}` },
    });
    expect(res.status).toBe(403);
  });

  it("refuses duplicate access token cookies", async () => {
    const browser = await signedIn();
    const res = await browser.query("user.me", undefined, {
      noCookies: true,
      headers: { cookie: `${browser.cookieHeader("/trpc/user.me")}; access_token=forged` },
    });
    expect(res.status).toBe(401);
  });

  it.each([
    ["a foreign origin", { origin: "https://evil.example" }],
    ["Origin: null", { origin: "null" }],
    ["a lookalike origin", { origin: `${"http://127.0.0.1"}.evil.example` }],
    ["no Origin but Sec-Fetch-Site: cross-site", { origin: null, headers: { "sec-fetch-site": "cross-site" } }],
    ["no Origin but Sec-Fetch-Site: same-site", { origin: null, headers: { "sec-fetch-site": "same-site" } }],
  ])("refuses auth.login from %s", async (_label, options) => {
    const browser = new TestBrowser(server.url);
    const res = await browser.mutation("auth.login", { username: "bob", password: "bob password" }, options);
    expect(res.status).toBe(403);
    expect(errorOf(res).data.code).toBe("FORBIDDEN");
    expect(res.setCookies).toEqual([]);
  });

  it("refuses a foreign-origin logout even with a valid CSRF token", async () => {
    const browser = await signedIn();
    const res = await browser.mutation("auth.logout", undefined, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await sessionStillLive(browser)).toBe(true);
  });

  it("accepts a listed CORS origin, and non-browser clients without Origin", async () => {
    const fromApp = new TestBrowser(server.url);
    expect(
      (
        await fromApp.mutation(
          "auth.login",
          { username: "bob", password: "bob password" },
          { origin: "http://app.example.test" },
        )
      ).status,
    ).toBe(200);
    const curl = new TestBrowser(server.url);
    expect(
      (await curl.mutation("auth.login", { username: "bob", password: "bob password" }, { origin: null })).status,
    ).toBe(200);
  });

  it("queries never change state and are not origin-checked", async () => {
    const browser = await signedIn();
    const res = await browser.query("user.me", undefined, { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    // No CORS headers for an unlisted origin: the browser hides the answer from that page.
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("GET on a mutation is refused", async () => {
    const browser = await signedIn();
    const res = await browser.request("GET", "/trpc/auth.logout", undefined);
    expect(res.status).toBe(405);
    expect(await sessionStillLive(browser)).toBe(true);
  });
});
