import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchHandler } from "../src/http/fetch-adapter.js";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { createTestDatabase, type TestDatabase, testConfig } from "./support/index.js";

// The Fetch API has no socket: a host that does not pass the client's address
// would put every client in one sign-in limit, so a stranger's wrong guesses
// would lock the owner out. Tollgate refuses to serve such a request instead.
describe("the Fetch handler needs the client's address", () => {
  const origin = "http://127.0.0.1:3000";
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  let proxied: Tollgate;
  let handle: FetchHandler;

  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    tollgate = await createTollgate({ config: testConfig(), database });
    proxied = await createTollgate({ config: testConfig({ trustProxy: true }), database });
    const passwordHash = await tollgate.services.auth.passwords.hash("a long passphrase");
    await tollgate.services.users.create({ username: "owner", passwordHash });
    handle = tollgate.fetchHandler(tollgate.router);
  });
  afterAll(async () => {
    await proxied?.close();
    await tollgate?.close();
    await testDb?.drop();
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    new Request(`${origin}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, ...headers },
      body: JSON.stringify({ username, password }),
    });

  it("answers 500 naming the option, and checks no password, when clientAddress is missing or not an address", async () => {
    // @ts-expect-error: the options, and clientAddress in them, are required
    const withoutOptions = await handle(login("owner", "a long passphrase"));
    expect(withoutOptions.status).toBe(500);
    expect(await withoutOptions.json()).toEqual({ error: expect.stringContaining("clientAddress") });
    const undefinedAddress = await handle(login("owner", "a long passphrase"), { clientAddress: undefined });
    expect(undefinedAddress.status).toBe(500);
    const notAnAddress = await handle(login("owner", "a long passphrase"), { clientAddress: "somewhere" });
    expect(notAnAddress.status).toBe(500);
    expect(await notAnAddress.json()).toEqual({ error: expect.stringContaining("not an IP address") });
    await tollgate.services.audit.flush();
    const rows = await tollgate.services.database.db.selectFrom("audit_events").select("event").execute();
    expect(rows.filter((row) => row.event.startsWith("login_"))).toEqual([]);
  });

  it("keeps clients apart when each brings its address: a stranger's 100 wrong guesses do not lock the owner out", async () => {
    for (let i = 0; i < 100; i++) {
      await handle(login(`invented-${i}`, "wrong guess"), { clientAddress: "198.51.100.7" });
    }
    const stranger = await handle(login("owner", "a long passphrase"), { clientAddress: "198.51.100.7" });
    expect(stranger.status).toBe(429);
    const owner = await handle(login("owner", "a long passphrase"), { clientAddress: "203.0.113.9" });
    expect(owner.status).toBe(200);
  });

  it("behind a trusted proxy serves without clientAddress: X-Forwarded-For names the client", async () => {
    const response = await proxied.fetchHandler(proxied.router)(
      login("owner", "a long passphrase", { "x-forwarded-for": "192.0.2.44" }),
      { clientAddress: undefined },
    );
    expect(response.status).toBe(200);
  });

  it("behind a trusted proxy refuses a request with neither X-Forwarded-For nor clientAddress", async () => {
    const response = await proxied.fetchHandler(proxied.router)(login("owner", "a long passphrase"), {
      clientAddress: undefined,
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: expect.stringContaining("X-Forwarded-For") });
  });

  it("createContext for tRPC's own fetch adapter refuses a missing address too", async () => {
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      router: tollgate.router,
      req: login("owner", "a long passphrase"),
      createContext: ({ req, resHeaders, info }) =>
        tollgate.createContext({ req, resHeaders, info, clientAddress: undefined }),
    });
    expect(response.status).toBe(500);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
