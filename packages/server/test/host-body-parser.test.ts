import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchHandler } from "../src/http/fetch-adapter.js";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { createTestDatabase, type TestDatabase, testConfig } from "./support/index.js";

// A host app that mounts a body parser in front of Tollgate used to leave
// sign-in waiting for a body that had already been read.
describe("a body a host app's parser read before Tollgate", () => {
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  const servers: Server[] = [];

  /** An Express app with `before` in front of Tollgate. */
  async function appWith(before: express.RequestHandler): Promise<string> {
    const app = express();
    app.use(before);
    app.use(tollgate.nodeHandler(tollgate.router));
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  // Response.json() is Promise<unknown> in Node's types: the error's shape is stated once here.
  async function authCode(answer: Response): Promise<string | undefined> {
    return ((await answer.json()) as { error?: { data?: { authCode?: string } } }).error?.data?.authCode;
  }

  function signIn(url: string, body: string): Promise<Response> {
    return fetch(`${url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  }

  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    tollgate = await createTollgate({ config: testConfig(), database });
    const passwordHash = await tollgate.services.auth.passwords.hash("a long passphrase");
    await tollgate.services.users.create({ username: "owner", passwordHash });
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await tollgate?.close();
    await testDb?.drop();
  });

  it("signs in behind express.json(): the parsed body is used", async () => {
    const url = await appWith(express.json());
    const answer = await signIn(url, JSON.stringify({ username: "owner", password: "a long passphrase" }));
    expect(answer.status).toBe(200);
    expect(answer.headers.getSetCookie().some((line) => line.startsWith("access_token="))).toBe(true);
  });

  it("signs in behind express.text() and express.raw() too", async () => {
    const body = JSON.stringify({ username: "owner", password: "a long passphrase" });
    for (const parser of [express.text({ type: "*/*" }), express.raw({ type: "*/*" })]) {
      const answer = await signIn(await appWith(parser), body);
      expect(answer.status).toBe(200);
    }
  });

  it("keeps its own body limit on a parsed body", async () => {
    const url = await appWith(express.json({ limit: "5mb" }));
    const answer = await signIn(url, JSON.stringify({ username: "owner", password: "x".repeat(2 * 1024 * 1024) }));
    expect(answer.status).toBe(413);
    expect(await authCode(answer)).toBe("BODY_TOO_LARGE");
  });

  it("answers at once, naming the code, when a middleware read the body and kept nothing", async () => {
    const url = await appWith((req, _res, next) => {
      req.resume();
      req.once("end", () => next());
    });
    const answer = await signIn(url, JSON.stringify({ username: "owner", password: "a long passphrase" }));
    expect(answer.status).toBe(500);
    expect(await authCode(answer)).toBe("BODY_ALREADY_READ");
  });

  it("the Fetch handler answers the same for a Request whose body was read", async () => {
    const handle: FetchHandler = tollgate.fetchHandler(tollgate.router);
    const origin = "http://127.0.0.1:3000";
    const request = new Request(`${origin}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ username: "owner", password: "a long passphrase" }),
    });
    await request.json();
    const answer = await handle(request, { clientAddress: "127.0.0.1" });
    expect(answer.status).toBe(500);
    expect(await authCode(answer)).toBe("BODY_ALREADY_READ");
  });
});
