import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock, data, errorOf, TestBrowser, type TestClock } from "../support/index.js";
import type { ConformanceHost, StartHost } from "./hosts.js";

const PASSWORD = "a long passphrase";
const FOREIGN = "http://evil.example.test";

/**
 * What every adapter must do the same way, over real HTTP: the contract's
 * cookies, refresh rotation and its grace, CSRF and Origin (on Tollgate's
 * procedures and on the app's own), logout, errors, 413 and the batch policy.
 */
export function describeConformance(adapter: string, start: StartHost): void {
  describe(`Tollgate conformance on ${adapter}`, () => {
    let host: ConformanceHost;
    let clock: TestClock;
    let users = 0;
    beforeAll(async () => {
      clock = createClock();
      host = await start({ clock, config: { corsOrigins: ["http://app.example.test"] } });
    });
    afterAll(() => host?.close());

    async function signedIn(): Promise<TestBrowser> {
      const username = `user${++users}`;
      await host.createUser(username, PASSWORD);
      const browser = new TestBrowser(host.url);
      const res = await browser.login(username, PASSWORD);
      expect(res.status).toBe(200);
      return browser;
    }

    it("login sets the three cookies with the contract's flags and returns no token", async () => {
      await host.createUser("carol", PASSWORD);
      const browser = new TestBrowser(host.url);
      const res = await browser.login("carol", PASSWORD);
      expect(res.status).toBe(200);
      const byName = new Map(res.setCookies.map((line) => [line.split("=")[0], line]));
      expect(byName.get("access_token")).toMatch(/HttpOnly/i);
      expect(byName.get("access_token")).toMatch(/Path=\/(;|$)/);
      expect(byName.get("refresh_token")).toMatch(/HttpOnly/i);
      expect(byName.get("refresh_token")).toMatch(/Path=\/trpc\/auth\.refresh/);
      expect(byName.get("csrf_token")).not.toMatch(/HttpOnly/i);
      const body = data<{ user: { username: string }; accessTokenExpiresAt: number }>(res);
      expect(body.user.username).toBe("carol");
      expect(typeof body.accessTokenExpiresAt).toBe("number");
      const text = JSON.stringify(res.body);
      for (const { value } of browser.cookies.values()) expect(text).not.toContain(value);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("signs in the app's own procedures (ctx.session) and Tollgate's", async () => {
      const browser = await signedIn();
      expect((await browser.query("user.me")).status).toBe(200);
      expect((await browser.mutation("notes.add", { text: "hello" })).status).toBe(200);
      expect(data(await browser.query("notes.list"))).toEqual(["hello"]);
      expect(data<{ username: string }>(await browser.query("whoami")).username).toMatch(/^user\d+$/);
      const anonymous = new TestBrowser(host.url);
      const refused = await anonymous.query("notes.list");
      expect(refused.status).toBe(401);
      expect((await anonymous.query("whoami")).status).toBe(401);
      expect(errorOf(refused).data.code).toBe("UNAUTHORIZED");
    });

    it("refresh rotates; the rotated token within the grace gets the same successor; after it, theft ends the session", async () => {
      const browser = await signedIn();
      const first = browser.cookies.get("refresh_token");
      const csrf = browser.cookies.get("csrf_token");
      if (!first || !csrf) throw new Error("no refresh or csrf cookie");
      const rotated = await browser.mutation("auth.refresh");
      expect(rotated.status).toBe(200);
      const successor = browser.cookies.get("refresh_token")?.value;
      expect(successor).toBeDefined();
      expect(successor).not.toBe(first.value);

      browser.cookies.set("refresh_token", first);
      const replay = await browser.mutation("auth.refresh");
      expect(replay.status).toBe(200);
      expect(browser.cookies.get("refresh_token")?.value).toBe(successor);

      clock.advance(11);
      browser.cookies.set("refresh_token", first);
      const theft = await browser.mutation("auth.refresh");
      expect(theft.status).toBe(401);
      expect(errorOf(theft).data.authCode).toBe("REFRESH_REUSED");
      // The refusal cleared the cookies; the newest token, presented as before, is dead too.
      browser.cookies.set("refresh_token", { ...first, value: successor as string });
      browser.cookies.set("csrf_token", csrf);
      const newest = await browser.mutation("auth.refresh");
      expect(newest.status).toBe(401);
      expect(errorOf(newest).data.authCode).toBe("SESSION_REVOKED");
    });

    it.each(["auth.logout", "auth.refresh", "notes.add", "notes.clear"])(
      "%s without the CSRF header is 403 FORBIDDEN and sets no cookie",
      async (procedure) => {
        const browser = await signedIn();
        const res = await browser.mutation(procedure, procedure === "notes.add" ? { text: "x" } : undefined, {
          csrf: false,
        });
        expect(res.status).toBe(403);
        expect(errorOf(res).data.authCode).toBe("CSRF");
        expect(res.setCookies).toEqual([]);
      },
    );

    it("a bearer token needs no CSRF header, on the app's procedures too", async () => {
      const browser = await signedIn();
      const token = browser.cookies.get("access_token")?.value as string;
      const res = await new TestBrowser(host.url).mutation(
        "notes.add",
        { text: "bearer" },
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(res.status).toBe(200);
    });

    it.each(["auth.login", "ping", "notes.add"])("%s from a foreign Origin is 403", async (procedure) => {
      const browser = await signedIn();
      const input = procedure === "auth.login" ? { username: "x", password: "y" } : { text: "x" };
      const res = await browser.mutation(procedure, input, { origin: FOREIGN });
      expect(res.status).toBe(403);
      expect(errorOf(res).data.code).toBe("FORBIDDEN");
    });

    it("answers CORS preflights for listed origins only", async () => {
      const listed = await fetch(`${host.url}/trpc/auth.login`, {
        method: "OPTIONS",
        headers: { origin: "http://app.example.test" },
      });
      expect(listed.status).toBe(204);
      expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
      const unlisted = await fetch(`${host.url}/trpc/auth.login`, { method: "OPTIONS", headers: { origin: FOREIGN } });
      expect(unlisted.status).toBe(403);
      expect(unlisted.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("logout clears the cookies (Max-Age=0, same Path) and ends the session", async () => {
      const browser = await signedIn();
      const res = await browser.mutation("auth.logout");
      expect(res.status).toBe(200);
      const cleared = res.setCookies.filter((line) => /Max-Age=0/i.test(line)).map((line) => line.split("=")[0]);
      expect(cleared.sort()).toEqual(["access_token", "csrf_token", "refresh_token"]);
      expect(res.setCookies.find((line) => line.startsWith("refresh_token="))).toMatch(/Path=\/trpc\/auth\.refresh/);
      expect((await browser.query("user.me")).status).toBe(401);
    });

    it("maps errors to the contract's codes, without stacks", async () => {
      const browser = new TestBrowser(host.url);
      const wrong = await browser.login("nobody", "wrong");
      expect(wrong.status).toBe(401);
      expect(errorOf(wrong).data.code).toBe("UNAUTHORIZED");
      expect(errorOf(wrong).data.stack).toBeUndefined();
      const invalid = await browser.mutation("auth.login", { username: "", password: "" });
      expect(invalid.status).toBe(400);
      expect(errorOf(invalid).data.code).toBe("BAD_REQUEST");
      const unknown = await browser.query("nothing.here");
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown).data.code).toBe("NOT_FOUND");
      const text = await browser.request("POST", "/trpc/ping", "x", { headers: { "content-type": "text/plain" } });
      expect(text.status).toBe(415);
      const malformed = await browser.request("POST", "/trpc/auth.login", "{", {});
      expect(malformed.status).toBe(400);
    });

    it("limits failed sign-ins: 429 TOO_MANY_REQUESTS with Retry-After (a header set through the context)", async () => {
      await host.createUser("mallory-target", PASSWORD);
      const browser = new TestBrowser(host.url);
      const statuses: number[] = [];
      let last: Awaited<ReturnType<TestBrowser["login"]>> | undefined;
      for (let i = 0; i < 6; i++) {
        last = await browser.login("mallory-target", "wrong guess");
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect(errorOf(last as NonNullable<typeof last>).data.code).toBe("TOO_MANY_REQUESTS");
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("refuses a body over 1 MiB with 413", async () => {
      const browser = new TestBrowser(host.url);
      const big = JSON.stringify({ username: "a", password: "x".repeat(1024 * 1024 + 1) });
      const res = await browser.request("POST", "/trpc/auth.login", big, {});
      expect(res.status).toBe(413);
      expect(errorOf(res).data.code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("refuses a credential procedure batched with the app's procedures, and batches over 10", async () => {
      const browser = await signedIn();
      const credentials = JSON.stringify({ username: "x", password: "y" });
      const mixed = await browser.request(
        "POST",
        "/trpc/auth.login,notes.add?batch=1",
        `{"0":${credentials},"1":{"text":"x"}}`,
        {},
      );
      expect(mixed.status).toBe(400);
      const paths = Array.from({ length: 11 }, () => "notes.list").join(",");
      expect((await browser.query(`${paths}?batch=1`)).status).toBeGreaterThanOrEqual(400);
      const ok = await browser.request("GET", "/trpc/notes.list,user.me?batch=1&input={}", undefined, {});
      expect(ok.status).toBe(200);
    });

    it("serves /healthz, and the JWKS route (404 with HS256: no public key)", async () => {
      const res = await fetch(`${host.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok" });
      const jwks = await fetch(`${host.url}/.well-known/jwks.json`);
      expect(jwks.status).toBe(404);
      expect(await jwks.json()).toEqual({ error: "Not found" });
    });
  });
}
