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
