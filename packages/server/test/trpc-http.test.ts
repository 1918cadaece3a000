import { EventEmitter, once } from "node:events";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNodeAnswer } from "../src/http/node-adapter.js";
import { readNodeRequest } from "../src/http/node-request.js";
import { createTrpcEndpoint, type TrpcCall } from "../src/http/trpc-endpoint.js";

// The tRPC endpoint on its own, over a small router and node:http (the node
// adapter's reading and writing): what Tollgate's router cannot show (a
// procedure waiting on its signal, streamed answers).
interface Ctx {
  setCookie(line: string): void;
}
const t = initTRPC.context<Ctx>().create();
let abortedWaits = 0;
let startedWaits = 0;
/** "started" and "aborted" as the `wait` procedure's counters move: tests await them. */
const waits = new EventEmitter();
const router = t.router({
  echo: t.procedure.input((v) => v as { text: string }).mutation(({ input }) => input.text),
  cookie: t.procedure
    .input((v) => v as string)
    .query(({ ctx, input }) => {
      ctx.setCookie(`${input}=1; Path=/`);
      return input;
    }),
  aborted: t.procedure.query(({ signal }) => signal?.aborted ?? "no signal"),
  wait: t.procedure.query(
    ({ signal }) =>
      new Promise<string>((resolve) => {
        startedWaits++;
        waits.emit("started");
        signal?.addEventListener("abort", () => {
          abortedWaits++;
          waits.emit("aborted");
          resolve("aborted");
        });
      }),
  ),
});

const endpoint = createTrpcEndpoint({
  router,
  maxBatchSize: 10,
  maxBodySize: 1000,
  vary: "Origin",
  createContext: (call: TrpcCall) => ({ setCookie: (line) => call.responseHeaders.append("Set-Cookie", line) }),
});

describe("tRPC endpoint (resolveResponse over node:http)", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const path = (req.url ?? "").slice("/trpc/".length).split("?")[0] ?? "";
      const answer = await endpoint(
        { request: readNodeRequest(req), path, responseHeaders: new Headers() },
        new Headers(),
      );
      await writeNodeAnswer(res, answer);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("answers JSON with Content-Length, not chunked, and appends tRPC's Vary", async () => {
    const res = await fetch(`${url}/trpc/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "héllo" }),
    });
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ result: { data: "héllo" } });
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(res.headers.get("transfer-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("trpc-accept, accept, Origin");
  });

  it("keeps every Set-Cookie line of a batch's calls, and answers a mixed batch with 207", async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: "a", 1: "b" }));
    const res = await fetch(`${url}/trpc/cookie,cookie,nothing?batch=1&input=${input}`);
    expect(res.status).toBe(207);
    expect(res.headers.getSetCookie().sort()).toEqual(["a=1; Path=/", "b=1; Path=/"]);
    const body = (await res.json()) as unknown[];
    expect(body).toHaveLength(3);
  });

  it("refuses a body over the limit with 413, declared or not", async () => {
    const big = JSON.stringify({ text: "x".repeat(2000) });
    const declared = await fetch(`${url}/trpc/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await fetch(`${url}/trpc/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("streams a batch that asks for JSON lines", async () => {
    const res = await fetch(`${url}/trpc/aborted,nothing?batch=1`, { headers: { "trpc-accept": "application/jsonl" } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.trim().split("\n").length).toBeGreaterThan(1);
    expect(text).toContain("NOT_FOUND");
  });

  it("gives procedures a signal that stays live across a keep-alive connection's requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<string>((resolve, reject) => {
        request(`${url}/trpc/aborted`, { agent }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on("end", () => resolve(text));
        })
          .on("error", reject)
          .end();
      });
    expect(JSON.parse(await get())).toEqual({ result: { data: false } });
    expect(JSON.parse(await get())).toEqual({ result: { data: false } });
    agent.destroy();
  });

  it("aborts the procedure's signal when the client disconnects", async () => {
    const before = abortedWaits;
    const started = once(waits, "started");
    const req = request(`${url}/trpc/wait`);
    req.on("error", () => undefined);
    req.end();
    await started;
    expect(startedWaits).toBeGreaterThan(before);
    const aborted = once(waits, "aborted");
    req.destroy();
    await aborted;
    expect(abortedWaits).toBeGreaterThan(before);
  });

  it("does not hang on a body the client never finishes", async () => {
    const req = request(`${url}/trpc/echo`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "100" },
    });
    req.on("error", () => undefined);
    // The handler has the request and waits for the rest of its body.
    const arrived = once(server, "request");
    req.write('{"text":');
    await arrived;
    req.destroy();
    // The server is still answering others.
    const res = await fetch(`${url}/trpc/aborted`);
    expect(res.status).toBe(200);
  });
});
