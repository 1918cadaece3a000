import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/** Requests per kind: together, the reset limit of one client network per window (20). */
const ROUNDS = 10;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return ((sorted[ROUNDS / 2 - 1] ?? 0) + (sorted[ROUNDS / 2] ?? 0)) / 2;
};

describe.each(backends())("auth.requestPasswordReset timing on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
    for (let i = 0; i < ROUNDS; i++) {
      const id = await server.createUser(`timed${i}`, `timed ${i} passphrase`);
      // Confirmed: reset looks only at confirmed addresses, so "known" really is known.
      await server.app.services.users.attachEmail(id, `timed${i}@example.org`);
    }
  });
  afterAll(() => server?.close());

  const unsent = async () =>
    (await server.database.db.selectFrom("mail_outbox").select("id").where("sent_at", "is", null).execute()).length;

  it("a known and an unknown address take the same time (medians within 10 %, or 1 ms)", async () => {
    const timings = { known: [] as number[], unknown: [] as number[] };
    const browser = new TestBrowser(server.url);
    // Warm up the connection and the procedure's code paths (no address at all).
    await browser.query("meta.info");
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of i % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const)) {
        const email = kind === "known" ? `timed${i}@example.org` : `absent${i}@example.org`;
        const start = performance.now();
        const res = await browser.mutation("auth.requestPasswordReset", { email });
        timings[kind].push(performance.now() - start);
        expect(res.status).toBe(200);
        // The deferred work (lookup, token, outbox) and the sending finish before the next request is timed.
        await server.app.services.mailer.settle();
        await expect.poll(unsent, { interval: 5 }).toBe(0);
      }
    }
    const known = median(timings.known);
    const unknown = median(timings.unknown);
    expect(Math.abs(known - unknown)).toBeLessThanOrEqual(Math.max(0.1 * Math.max(known, unknown), 1));
    // Those were the client network's 20 requests of the window: the next is refused, whatever the address.
    const over = await browser.mutation("auth.requestPasswordReset", { email: "fresh@example.org" });
    expect(over.status).toBe(429);
  });
});
