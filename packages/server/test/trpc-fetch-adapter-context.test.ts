import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitedCheck } from "../src/index.js";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { conformanceRouter } from "./conformance/fixture-router.js";
import { createTestDatabase, type TestDatabase, testConfig } from "./support/index.js";

// tollgate.createContext in tRPC's own fetch adapter: the cookies the procedures
// set arrive through `resHeaders`, and the checks are the procedures' own.
describe("tollgate.createContext with tRPC's fetchRequestHandler", () => {
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  const origin = "http://127.0.0.1:3000";
  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    tollgate = await createTollgate({ config: testConfig(), database: await testDb.open() });
    const passwordHash = await tollgate.services.auth.passwords.hash("a long passphrase");
    await tollgate.services.users.create({ username: "fay", passwordHash });
  });
  afterAll(async () => {
    await tollgate?.close();
    await testDb?.drop();
  });

  const call = (path: string, init: RequestInit = {}) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      router: conformanceRouter,
      req: new Request(`${origin}/trpc/${path}`, init),
      createContext: ({ req, resHeaders, info }) =>
        tollgate.createContext({ req, resHeaders, info, clientAddress: "127.0.0.1" }),
    });

  it("offers the attempt limiter for a host app's own checks as tollgate.limitedCheck", () => {
    expect(tollgate.limitedCheck).toBe(limitedCheck);
  });

  it("signs in (cookies through resHeaders), then runs an app's mutation with the CSRF header only", async () => {
    const login = await call("auth.login", {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ username: "fay", password: "a long passphrase" }),
    });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie().map((line) => line.split(";")[0] as string);
    // The session's three cookies, and the known-device cookie every completed sign-in sets.
    expect(cookies.map((pair) => pair.split("=")[0]).sort()).toEqual([
      "access_token",
      "csrf_token",
      "known_device",
      "refresh_token",
    ]);
    const cookie = cookies.filter((pair) => !pair.startsWith("refresh_token=")).join("; ");
    const csrf = cookies.find((pair) => pair.startsWith("csrf_token="))?.slice("csrf_token=".length) ?? "";
    const add = (headers: Record<string, string>) =>
      call("notes.add", {
        method: "POST",
        headers: { "content-type": "application/json", origin, cookie, ...headers },
        body: JSON.stringify({ text: "via tRPC's adapter" }),
      });
    expect((await add({})).status).toBe(403);
    expect((await add({ "x-csrf-token": csrf })).status).toBe(200);
  });
});
