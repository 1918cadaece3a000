import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

describe.each(backends())("hostile input on %s", (backend) => {
  let server: TestServer;
  let userId: string;
  beforeAll(async () => {
    server = await startTestServer(backend);
    userId = await server.createUser("dave", "dave password");
  });
  afterAll(() => server?.close());

  async function usersAndSessions(): Promise<string> {
    const db = server.database.db;
    const users = await db.selectFrom("users").select(["id", "username", "password_hash"]).orderBy("id").execute();
    const sessions = await db
      .selectFrom("sessions")
      .select(["id", "current_hash", "revoked_at"])
      .orderBy("id")
      .execute();
    return JSON.stringify({ users, sessions });
  }

  function withAccessToken(token: string): TestBrowser {
    const browser = new TestBrowser(server.url);
    browser.cookies.set("access_token", { value: token, path: "/", attributes: [] });
    return browser;
  }

  async function validToken(): Promise<string> {
    const browser = new TestBrowser(server.url);
    await browser.login("dave", "dave password");
    return browser.cookies.get("access_token")?.value as string;
  }

  it("refuses alg none, tampered, truncated, oversized and foreign-key tokens with 401", async () => {
    const token = await validToken();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const none = new UnsecuredJWT({ ...claims }).encode();
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: "someone-else" }))}.${signature}`;
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .sign(new TextEncoder().encode("an attacker's secret of 32 bytes!!"));
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS512", typ: "at+jwt" })
      .sign(new TextEncoder().encode("x".repeat(64)));
    for (const bad of [
      none,
      tampered,
      token.slice(0, -3),
      `${token}${"A".repeat(8000)}`,
      foreign,
      hs512,
      "garbage",
      "a.b.c",
    ]) {
      const res = await withAccessToken(bad).query("user.me");
      expect(res.status, bad.slice(0, 40)).toBe(401);
      expect(errorOf(res).data.code).toBe("UNAUTHORIZED");
    }
  });

  it("refuses a refresh token or CSRF token used as an access token", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("dave", "dave password");
    for (const name of ["refresh_token", "csrf_token"]) {
      const res = await withAccessToken(browser.cookies.get(name)?.value as string).query("user.me");
      expect(res.status).toBe(401);
    }
  });

  it("answers bad input with 400 and changes nothing", async () => {
    const before = await usersAndSessions();
    const browser = new TestBrowser(server.url);
    const cases: unknown[] = [
      {},
      { username: "dave" },
      { username: "", password: "x" },
      { username: "x".repeat(151), password: "x" },
      { username: "dave", password: "" },
      { username: "dave", password: "x".repeat(1025) },
      { username: 42, password: "x" },
      { username: "dave", password: "dave password", extra: true },
      "string",
      null,
    ];
    for (const input of cases) {
      const res = await browser.mutation("auth.login", input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(errorOf(res).data.code).toBe("BAD_REQUEST");
    }
    expect(await usersAndSessions()).toBe(before);
  });

  it("answers malformed JSON with 400 and an unknown procedure with 404", async () => {
    const browser = new TestBrowser(server.url);
    const res = await browser.request("POST", "/trpc/auth.login", "{not json", { origin: null });
    expect(res.status).toBe(400);
    const unknown = await browser.query("auth.nothing");
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).data.code).toBe("NOT_FOUND");
  });

  it("answers a body over 1 MiB with 413", async () => {
    const browser = new TestBrowser(server.url);
    const res = await browser.request(
      "POST",
      "/trpc/auth.login",
      JSON.stringify({ username: "dave", password: "x".repeat(1_100_000) }),
      { origin: null },
    );
    expect(res.status).toBe(413);
  });

  it("never sends a stack trace", async () => {
    const browser = new TestBrowser(server.url);
    const responses = [
      await browser.mutation("auth.login", { username: 1 }),
      await browser.query("user.me"),
      await browser.query("nope"),
      await browser.request("POST", "/trpc/auth.login", "{", { origin: null }),
    ];
    for (const res of responses) {
      expect(JSON.stringify(res.body)).not.toMatch(/stack|\.ts:\d+|at [A-Za-z]+ \(/);
    }
  });

  it("refuses a malformed refresh cookie and keeps the session", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("dave", "dave password");
    const real = browser.cookies.get("refresh_token");
    for (const value of ["x", "a.b.c", "%%%", "A".repeat(300)]) {
      const forged = new TestBrowser(server.url);
      forged.cookies.set("refresh_token", { value, path: "/trpc/auth.refresh", attributes: [] });
      forged.cookies.set("csrf_token", {
        ...(browser.cookies.get("csrf_token") as { value: string; path: string; attributes: string[] }),
      });
      expect((await forged.mutation("auth.refresh")).status).toBe(401);
    }
    expect(real).toBeDefined();
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
  });

  it("never stores a token or password in the database or the audit log", async () => {
    const browser = new TestBrowser(server.url);
    await browser.login("dave", "dave password");
    await browser.mutation("auth.refresh");
    const secrets = [...browser.cookies.entries()]
      .flatMap(([name, c]) => {
        const parts = c.value.split(".");
        // The known-device cookie carries the user id (not a secret) between its device id and its MAC.
        return [c.value, ...(name === "known_device" ? [parts[0] ?? "", parts[2] ?? ""] : parts)];
      })
      .filter((s) => s.length > 8);
    const dump =
      JSON.stringify(await server.database.db.selectFrom("sessions").selectAll().execute()) +
      JSON.stringify(await server.database.db.selectFrom("audit_events").selectAll().execute()) +
      JSON.stringify(await server.database.db.selectFrom("users").selectAll().where("id", "=", userId).execute());
    for (const secret of [...secrets, "dave password"]) expect(dump).not.toContain(secret);
  });
});
