import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeConformance } from "./conformance/describe-conformance.js";
import { type ConformanceHost, expressHost, fastifyHost, honoHost, nodeHost } from "./conformance/hosts.js";
import { createClock } from "./support/index.js";

// One suite, every adapter: the same cookies, checks and errors whatever hosts Tollgate.
describeConformance("node:http (nodeHandler)", nodeHost);
describeConformance("the Fetch API (fetchHandler in Hono on @hono/node-server)", honoHost);
describeConformance("Express 5 (nodeHandler as middleware)", expressHost);
describeConformance("Fastify 5 (nodeHandler from an onRequest hook)", fastifyHost);

describe.each([
  ["Express", expressHost],
  ["Fastify", fastifyHost],
  ["Hono", honoHost],
] as const)("Tollgate inside %s", (_name, start) => {
  let host: ConformanceHost;
  beforeAll(async () => {
    host = await start({ clock: createClock() });
  });
  afterAll(() => host?.close());

  it("passes other paths on to the app's own routes, untouched", async () => {
    const res = await fetch(`${host.url}/hello`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ from: "the app" });
    expect(res.headers.get("x-request-id")).toBeNull();
  });
});

describe("Tollgate inside Hono, signing with EdDSA", () => {
  let host: ConformanceHost;
  beforeAll(async () => {
    host = await honoHost({ clock: createClock(), config: { accessTokenAlg: "EdDSA" } });
  });
  afterAll(() => host?.close());

  it("serves the JWKS through the middleware that routes what tollgate.handles() names", async () => {
    const res = await fetch(`${host.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: { kty: string; alg: string }[] };
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.kty === "OKP" && key.alg === "EdDSA")).toBe(true);
  });
});
