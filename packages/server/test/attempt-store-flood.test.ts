import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryAttemptStore } from "../src/rate-limit/memory-attempt-store.js";
import { type AttemptLimiter, createAttemptLimiter } from "../src/rate-limit/rate-limiter.js";
import { startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/** A distinct IPv4 address per index (a distinct client network each). */
const networkOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function flood(limiter: AttemptLimiter, count: number, name: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i++)
    await (await limiter.reserve({ subject: name(i), network: networkOf(i) })).settle("failure");
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "allowed",
    (error: unknown) => error,
  );

describe("the in-memory attempt store under a flood of distinct keys (injected key cap)", () => {
  const limits = {
    maxFailures: 3,
    maxFailuresPerNetwork: 60,
    window: 600,
    accountFreeAttempts: 6,
    accountMaxDelay: 30,
  };
  let now = 1_000_000;
  const limiter = () =>
    createAttemptLimiter(
      createMemoryAttemptStore(() => now, { maxKeys: 60 }),
      limits,
    );

  it("keeps a locked pair refused while a flood ten times the cap passes through", async () => {
    const signIn = limiter();
    for (let i = 0; i < 3; i++)
      await (await signIn.reserve({ subject: "olga", network: "192.0.2.1" })).settle("failure");
    await flood(signIn, 600, (i) => `user${i}`);
    expect(await refusal(signIn.reserve({ subject: "olga", network: "192.0.2.1" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
  });

  it("keeps an account's progressive delay while a flood passes through", async () => {
    const signIn = limiter();
    for (let i = 0; i < 6; i++)
      await (await signIn.reserve({ subject: "pia", network: `192.0.2.${i}` })).settle("failure");
    await flood(signIn, 600, (i) => `user${i}`);
    expect(await refusal(signIn.reserve({ subject: "pia", network: "192.0.2.99" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
  });

  it("evicts the least informative keys first: a pair with failures outlives one-attempt keys", async () => {
    const signIn = limiter();
    // Two failures: not blocking, but more telling than the flood's single attempts.
    for (let i = 0; i < 2; i++)
      await (await signIn.reserve({ subject: "quinn", network: "192.0.2.1" })).settle("failure");
    await flood(signIn, 600, (i) => `user${i}`);
    await (await signIn.reserve({ subject: "quinn", network: "192.0.2.1" })).settle("failure");
    expect(await refusal(signIn.reserve({ subject: "quinn", network: "192.0.2.1" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
  });

  it("lets windows end: expired keys go first, and a limit's window still resets", async () => {
    const signIn = limiter();
    for (let i = 0; i < 3; i++)
      await (await signIn.reserve({ subject: "rosa", network: "192.0.2.1" })).settle("failure");
    now += 600_000;
    await flood(signIn, 100, (i) => `user${i}`);
    await (await signIn.reserve({ subject: "rosa", network: "192.0.2.1" })).settle("failure");
  });
});

describe("reset requests and sign-ins keep their counters apart", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { loginMaxFailures: 3, loginWindow: 600 } });
    await server.createUser("sven", "sven's passphrase");
  });
  afterAll(() => server?.close());

  it("still refuses a locked pair after floods of reset requests and of sign-in keys past the store's default cap", async () => {
    const browser = new TestBrowser(server.url);
    for (let i = 0; i < 3; i++) expect((await browser.login("sven", "guess")).status).toBe(401);
    expect((await browser.login("sven", "sven's passphrase")).status).toBe(429);
    const { resetLimiter, signInLimiter } = server.app.services;
    // 35,000 reset requests from as many networks: three keys each, past 100,000 keys.
    await flood(resetLimiter, 35_000, (i) => `flood${i}@example.org`);
    expect((await browser.login("sven", "sven's passphrase")).status).toBe(429);
    // The same past the sign-in store's own cap, with one-attempt keys.
    await flood(signInLimiter, 35_000, (i) => `flood${i}`);
    expect((await browser.login("sven", "sven's passphrase")).status).toBe(429);
  });
});
