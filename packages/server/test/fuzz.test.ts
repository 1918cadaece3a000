import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

// Property: whatever arrives, the answer is a 4xx (or a 200 for well-formed
// calls), never a 5xx, never a stack trace, and a rejected request changes
// nothing stored.
describe.each(backends())("fuzzing the HTTP surface on %s", (backend) => {
  let server: TestServer;
  let signedIn: TestBrowser;
  beforeAll(async () => {
    server = await startTestServer(backend);
    await server.createUser("peggy", "peggy password");
    signedIn = new TestBrowser(server.url);
    await signedIn.login("peggy", "peggy password");
  });
  afterAll(() => server?.close());

  async function snapshot(): Promise<string> {
    const db = server.database.db;
    const users = await db
      .selectFrom("users")
      .select(["id", "username", "password_hash", "is_active"])
      .orderBy("id")
      .execute();
    const sessions = await db
      .selectFrom("sessions")
      .select(["id", "current_hash", "previous_hash", "revoked_at"])
      .orderBy("id")
      .execute();
    return JSON.stringify({ users, sessions });
  }

  function assertSafe(res: { status: number; body: unknown }): void {
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).not.toMatch(/"stack"|\.ts:\d+|node:internal/);
  }

  const procedures = [
    "auth.login",
    "auth.refresh",
    "auth.logout",
    "auth.logoutAll",
    "auth.revokeSession",
    "auth.changePassword",
    "auth.sessions",
    "user.me",
  ];
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const config = { numRuns: 60 };

  it("procedure inputs: arbitrary JSON to every procedure", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), anyJson, async (procedure, input) => {
        const anonymous = new TestBrowser(server.url);
        const res =
          procedure.startsWith("user.") || procedure === "auth.sessions"
            ? await anonymous.query(procedure, input)
            : await anonymous.mutation(procedure, input);
        assertSafe(res);
        if (procedure !== "auth.login") expect(res.status).not.toBe(200);
      }),
      config,
    );
    expect(await snapshot()).toBe(before);
  });

  it("login inputs: strings of every shape never get past validation or crash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 1100 }), async (username, password) => {
        const res = await new TestBrowser(server.url).mutation(
          "auth.login",
          { username, password },
          { headers: { "x-forwarded-for": "1.1.1.1" } },
        );
        assertSafe(res);
        expect([400, 401, 429]).toContain(res.status);
      }),
      config,
    );
  });

  it("Cookie and Authorization headers: arbitrary bytes", async () => {
    const before = await snapshot();
    const headerText = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    });
    await fc.assert(
      fc.asyncProperty(
        headerText,
        headerText,
        fc.constantFrom("user.me", "auth.refresh", "auth.logout"),
        async (cookie, authorization, procedure) => {
          const browser = new TestBrowser(server.url);
          const headers: Record<string, string> = { cookie };
          if (authorization.trim()) headers.authorization = authorization.trim();
          const res =
            procedure === "user.me"
              ? await browser.query(procedure, undefined, { headers })
              : await browser.mutation(procedure, undefined, { headers });
          assertSafe(res);
          expect(res.status).not.toBe(200);
        },
      ),
      config,
    );
    expect(await snapshot()).toBe(before);
  });

  it("tRPC batch syntax: arbitrary paths, batch flags and bodies", async () => {
    const before = await snapshot();
    const pathPart = fc.constantFrom(
      "auth.login",
      "user.me",
      "auth.refresh",
      "nope",
      "",
      ",",
      "auth",
      "user.me.x",
      "__proto__",
      "constructor",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathPart, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("", "?batch=1", "?batch=0", "?batch=true&input=%7B", "?input=null"),
        fc.option(fc.string({ maxLength: 200 })),
        async (paths, query, body) => {
          // A copy of the signed-in browser per request (a failed refresh may clear its cookies).
          const copy = new TestBrowser(server.url);
          for (const [k, v] of signedIn.cookies) copy.cookies.set(k, { ...v });
          const res = await copy.request(
            body === null ? "GET" : "POST",
            `/trpc/${paths.join(",")}${query}`,
            body ?? undefined,
            { csrf: false },
          );
          assertSafe(res);
        },
      ),
      config,
    );
    // Without the CSRF header nothing was rotated or revoked, and the session survived all of it.
    expect(await snapshot()).toBe(before);
    expect((await signedIn.query("user.me")).status).toBe(200);
  });

  it("arbitrary request paths outside the API: never a 5xx", async () => {
    const segment = fc.string({ unit: fc.constantFrom(..."abc./%2e0AF~-_:@!$&'()*+,;=".split("")), maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 4 }), async (segments) => {
        const res = await fetch(`${server.url}/${segments.join("/")}`);
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      config,
    );
  });
});
