import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { conformanceRouter } from "./conformance/fixture-router.js";
import { backends, createClock, createTestDatabase, type TestDatabase, testConfig } from "./support/index.js";

// The same request, byte for byte, to node:http (nodeHandler) and to the Fetch
// API (fetchHandler, served by @hono/node-server): one pipeline decides both
// answers, so status, the headers that matter and the body are the same,
// failures included, and every failure names its data.authCode.

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Sent without Content-Length (chunked): the limit must hold while reading. */
  readonly chunked?: boolean;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Exactly these headers and body over a socket (fetch would add its own and refuse some, Host among them). */
function send(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path: raw.path, method: raw.method, headers: { connection: "close", ...raw.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    if (raw.body !== undefined && raw.chunked) {
      // Two writes without a declared length: node sends them chunked.
      const half = Math.floor(raw.body.length / 2);
      req.write(raw.body.slice(0, half));
      req.end(raw.body.slice(half));
    } else {
      if (raw.body !== undefined) req.setHeader("content-length", Buffer.byteLength(raw.body));
      req.end(raw.body);
    }
  });
}

/** Headers each transport writes its own way (framing, the connection, the clock) or that differ per request. */
const TRANSPORT_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

/** What must be equal: status, every other header (the request id by its form), the body (parsed when JSON). */
function comparable(answer: RawAnswer) {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    if (name === "x-request-id") headers[name] = /^[0-9a-f-]{36}$/.test(String(value));
    // A cookie's value is fresh every time (tokens); its name and attributes must match.
    else if (name === "set-cookie") headers[name] = (value as string[]).map((line) => line.replace(/=[^;]*/, "=…"));
    else headers[name] = value;
  }
  const json = String(answer.headers["content-type"]).startsWith("application/json");
  return { status: answer.status, headers, body: json ? JSON.parse(answer.body) : answer.body };
}

/** A failure's code: `data.authCode` in tRPC's error JSON (a batch's: its first call's), `error.code` elsewhere. */
function authCodeOf(body: unknown): unknown {
  const answer = Array.isArray(body) ? body[0] : body;
  const error = (answer as { error?: { code?: unknown; data?: { authCode?: unknown } } }).error;
  return error?.data ? error.data.authCode : error?.code;
}

const LOGIN_HEADERS = { "content-type": "application/json" };
const PASSWORD = "a long passphrase";
const elevenCalls = Array.from({ length: 11 }, () => "meta.info").join(",");

/** [what it shows, the request, the status, the authCode (undefined: a success, or the JWKS's plain 404)]. */
const CASES: ReadonlyArray<readonly [string, RawRequest, number, string | undefined]> = [
  ["a query that succeeds", { method: "GET", path: "/trpc/meta.info" }, 200, undefined],
  [
    "a body over 1 MiB, declared",
    {
      method: "POST",
      path: "/trpc/auth.login",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ username: "a", password: "x".repeat(1024 * 1024) }),
    },
    413,
    "BODY_TOO_LARGE",
  ],
  [
    "a body over 1 MiB, chunked",
    {
      method: "POST",
      path: "/trpc/auth.login",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ username: "a", password: "x".repeat(1024 * 1024) }),
      chunked: true,
    },
    413,
    "BODY_TOO_LARGE",
  ],
  [
    "a POST that is not JSON",
    { method: "POST", path: "/trpc/auth.login", headers: { "content-type": "text/plain" }, body: "{}" },
    415,
    "BODY_NOT_JSON",
  ],
  ["a path that is not Tollgate's", { method: "GET", path: "/no-such-page" }, 404, "NOT_FOUND"],
  ["an unknown procedure", { method: "GET", path: "/trpc/no.such.procedure" }, 404, "NOT_FOUND"],
  [
    "an input that fails validation (zod)",
    {
      method: "POST",
      path: "/trpc/auth.login",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ username: "", password: "x" }),
    },
    400,
    "INPUT_INVALID",
  ],
  [
    "malformed JSON",
    { method: "POST", path: "/trpc/auth.login", headers: LOGIN_HEADERS, body: "{not json" },
    400,
    "REQUEST_INVALID",
  ],
  ["a batch over 10 calls", { method: "GET", path: `/trpc/${elevenCalls}?batch=1` }, 400, "BATCH_TOO_LARGE"],
  [
    "a batch over 10 calls, its commas percent-encoded",
    { method: "GET", path: `/trpc/${elevenCalls.replaceAll(",", "%2C")}?batch=1` },
    400,
    "BATCH_TOO_LARGE",
  ],
  [
    "a password check inside a batch",
    {
      method: "POST",
      path: "/trpc/auth.login,ping?batch=1",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ 0: { username: "a", password: "b" } }),
    },
    400,
    "BATCH_NOT_ALLOWED",
  ],
  ["GET on a mutation", { method: "GET", path: "/trpc/auth.logout" }, 405, "METHOD_NOT_ALLOWED"],
  ["no access token", { method: "GET", path: "/trpc/user.me" }, 401, "TOKEN_MISSING"],
  [
    "a mutation from a foreign origin",
    { method: "POST", path: "/trpc/ping", headers: { ...LOGIN_HEADERS, origin: "https://evil.example" }, body: "" },
    403,
    "ORIGIN",
  ],
  [
    "a CORS preflight from a listed origin",
    {
      method: "OPTIONS",
      path: "/trpc/auth.login",
      headers: { origin: "http://app.example.test", "access-control-request-method": "POST" },
    },
    204,
    undefined,
  ],
  ["/healthz", { method: "GET", path: "/healthz" }, 200, undefined],
  ["the JWKS (none with HS256)", { method: "GET", path: "/.well-known/jwks.json" }, 404, undefined],
  ["the account page (webRoot)", { method: "GET", path: "/reset-password?token=x" }, 200, undefined],
  ["the account page, HEAD", { method: "HEAD", path: "/" }, 200, undefined],
  [
    "a sign-in (its cookies)",
    {
      method: "POST",
      path: "/trpc/auth.login",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ username: "parity", password: PASSWORD }),
    },
    200,
    undefined,
  ],
  [
    "a wrong password",
    {
      method: "POST",
      path: "/trpc/auth.login",
      headers: LOGIN_HEADERS,
      body: JSON.stringify({ username: "parity", password: "not it" }),
    },
    401,
    "INVALID_CREDENTIALS",
  ],
];

describe.each(backends())("node:http and the Fetch API answer alike on %s", (backend) => {
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  let nodeServer: Server;
  let fetchServer: ReturnType<typeof serve>;
  let nodeUrl: string;
  let fetchUrl: string;

  beforeAll(async () => {
    const webRoot = mkdtempSync(join(tmpdir(), "tollgate-parity-web-"));
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>account</title>");
    testDb = await createTestDatabase(backend);
    // A clock that stands still: both answers to a sign-in name the same expiry.
    tollgate = await createTollgate({
      config: testConfig({ corsOrigins: ["http://app.example.test"], webRoot }),
      database: await testDb.open(),
      now: createClock().now,
    });
    const passwordHash = await tollgate.services.auth.passwords.hash(PASSWORD);
    await tollgate.services.users.create({ username: "parity", passwordHash });
    nodeServer = createServer(tollgate.nodeHandler(conformanceRouter));
    nodeServer.listen(0, "127.0.0.1");
    await once(nodeServer, "listening");
    nodeUrl = `http://127.0.0.1:${(nodeServer.address() as AddressInfo).port}`;

    const handle = tollgate.fetchHandler(conformanceRouter);
    fetchServer = serve({
      fetch: (req, env) => handle(req, { clientAddress: env.incoming.socket.remoteAddress }),
      port: 0,
      hostname: "127.0.0.1",
    });
    await once(fetchServer, "listening");
    fetchUrl = `http://127.0.0.1:${(fetchServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const server of [nodeServer, fetchServer]) {
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    }
    await tollgate?.close();
    await testDb?.drop();
  });

  it.each(CASES)("%s", async (_label, raw, status, authCode) => {
    // One Host for both, so each builds the same URL.
    const same = { ...raw, headers: { host: "127.0.0.1", ...raw.headers } };
    const viaNode = comparable(await send(nodeUrl, same));
    const viaFetch = comparable(await send(fetchUrl, same));
    expect(viaFetch).toEqual(viaNode);
    expect(viaNode.status).toBe(status);
    expect(viaNode.headers["x-request-id"]).toBe(true);
    expect(viaNode.headers["x-content-type-options"]).toBe("nosniff");
    if (authCode !== undefined) expect(authCodeOf(viaNode.body)).toBe(authCode);
    if (raw.path.startsWith("/trpc/") && authCode !== undefined) {
      // tRPC's error JSON, with the authCode in data beside tRPC's own code; never a stack.
      const answer = Array.isArray(viaNode.body) ? viaNode.body[0] : viaNode.body;
      const { data } = (answer as { error: { data: Record<string, unknown> } }).error;
      expect(data.httpStatus).toBe(status);
      expect(data.stack).toBeUndefined();
    }
  });

  it("a Host that is not host[:port]: the same 400 REQUEST_INVALID from both, in tRPC's shape under /trpc", async () => {
    // @hono/node-server refuses such a Host before any handler runs, so the Fetch side gets the Request itself.
    const host = "localhost\\@evil.example";
    const viaNode = comparable(await send(nodeUrl, { method: "GET", path: "/trpc/meta.info", headers: { host } }));
    const response = await tollgate.fetchHandler(conformanceRouter)(
      new Request("http://localhost/trpc/meta.info", { headers: { host } }),
      { clientAddress: "127.0.0.1" },
    );
    expect(response.status).toBe(viaNode.status);
    expect(await response.json()).toEqual(viaNode.body);
    expect(viaNode.status).toBe(400);
    expect(authCodeOf(viaNode.body)).toBe("REQUEST_INVALID");
  });
});
