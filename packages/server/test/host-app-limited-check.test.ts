import { createHash, timingSafeEqual } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { credentialProcedure, limitedCheck, mergeRouters, router, tollgateRouter } from "../src/index.js";
import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/** A host app's own PIN check, written as the documentation's "Limit your own checks" shows. */
const pinHash = (pin: string) => createHash("sha256").update(pin).digest();
const doorRouter = router({
  door: router({
    open: credentialProcedure
      .input(z.object({ door: z.string().max(64), pin: z.string().max(16) }))
      .mutation(async ({ ctx, input }) => {
        const right = await limitedCheck(ctx, { username: `door:${input.door}` }, async () =>
          timingSafeEqual(pinHash(input.pin), pinHash("4711")),
        );
        if (!right) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong door or PIN" });
        return { opened: input.door };
      }),
  }),
});
const hostRouter = mergeRouters(tollgateRouter, doorRouter);

describe.each(backends())("a host app's own check under the exported attempt limiter on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      router: hostRouter,
      config: { loginMaxFailures: 3, loginWindow: 600, trustProxy: true },
    });
  });
  afterAll(() => server?.close());

  const open = (pin: string, ip: string) =>
    new TestBrowser(server.url).mutation(
      "door.open",
      { door: "front-door", pin },
      { headers: { "x-forwarded-for": ip } },
    );

  it("refuses a PIN with 429 after LOGIN_MAX_FAILURES wrong tries from one network, the right PIN included", async () => {
    for (let i = 0; i < 3; i++) expect((await open(`000${i}`, "203.0.113.1")).status).toBe(401);
    const refused = await open("4711", "203.0.113.1");
    expect(refused.status).toBe(429);
    expect(errorOf(refused).data.authCode).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another network is not affected; the right PIN opens.
    expect((await open("4711", "198.51.100.1")).status).toBe(200);
  });

  it("keeps the check out of batches", async () => {
    const res = await new TestBrowser(server.url).request(
      "POST",
      "/trpc/door.open,door.open?batch=1",
      JSON.stringify({ 0: { door: "front-door", pin: "1" }, 1: { door: "front-door", pin: "2" } }),
    );
    expect(res.status).toBe(400);
  });
});
