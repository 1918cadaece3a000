import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { AttemptStore } from "../src/rate-limit/attempt-store.js";
import { createMemoryAttemptStore } from "../src/rate-limit/memory-attempt-store.js";
import { type AttemptLimiter, createAttemptLimiter } from "../src/rate-limit/rate-limiter.js";
import { createRedisAttemptStore } from "../src/rate-limit/redis-attempt-store.js";

// The same rules for both stores; Redis runs when TEST_REDIS_URL is set (CI sets it).
const redisUrl = process.env.TEST_REDIS_URL;
type StoreFactory = (now: () => number) => AttemptStore;
const stores: [string, StoreFactory][] = [["memory", (now) => createMemoryAttemptStore(now)]];
if (redisUrl) {
  stores.push([
    "Redis",
    (now) => createRedisAttemptStore(redisUrl, `test-${randomBytes(6).toString("hex")}:`, { now }),
  ]);
}

const LIMITS = { maxFailures: 3, maxFailuresPerNetwork: 60, window: 600, accountFreeAttempts: 6, accountMaxDelay: 30 };

describe.each(stores)("sign-in limits an attacker cannot turn against the owner (%s store)", (_name, makeStore) => {
  let now = 1_000_000;
  let limiter: AttemptLimiter;
  const start = () => {
    now = 1_000_000;
    limiter = createAttemptLimiter(
      makeStore(() => now),
      LIMITS,
    );
    return limiter;
  };
  afterEach(() => limiter?.close());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "allowed",
      (error: unknown) => error,
    );
  /** One wrong guess at `username` from each of `count` networks (those refused are not counted). */
  async function guessFrom(username: string, count: number, first = 0): Promise<number> {
    let checked = 0;
    for (let i = first; i < first + count; i++) {
      try {
        await (await limiter.reserve({ subject: username, network: `203.0.113.${i}` })).settle("failure");
        checked++;
      } catch (error) {
        expect(error).toMatchObject({ code: "RATE_LIMITED" });
      }
    }
    return checked;
  }

  it("lets a known device sign in every time while guesses from many networks hold the account-wide delay", async () => {
    const limiter = start();
    // Six networks' guesses reach the free attempts; from then on unknown devices wait.
    expect(await guessFrom("olga", 6)).toBe(6);
    expect(await refusal(limiter.reserve({ subject: "olga", network: "203.0.113.200" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
    for (let round = 0; round < 20; round++) {
      // The attacker keeps the delay busy from a fresh network each round …
      await guessFrom("olga", 3, 10 + round * 3);
      // … and the owner, from the device that signed in before, always gets a check.
      const attempt = await limiter.reserve({ subject: "Olga", network: "198.51.100.7", knownDevice: "owner-laptop" });
      await attempt.settle("success");
      now += 1000;
    }
  });

  it("does not let the owner's known-device sign-ins start the account-wide delay afresh", async () => {
    const limiter = start();
    expect(await guessFrom("pia", 6)).toBe(6);
    await (await limiter.reserve({ subject: "pia", network: "198.51.100.7", knownDevice: "owner-phone" })).settle(
      "success",
    );
    // Still waiting: the owner's success handed the attacker no free guesses.
    expect(await refusal(limiter.reserve({ subject: "pia", network: "203.0.113.100" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
    // A success from an unknown device (the password was right) still starts the account afresh, as before.
    now += 1000;
    await (await limiter.reserve({ subject: "pia", network: "198.51.100.8" })).settle("success");
    await (await limiter.reserve({ subject: "pia", network: "203.0.113.101" })).settle("failure");
  });

  it("counts a known device on its own key with the per-pair limit, from whichever network", async () => {
    const limiter = start();
    // A stolen device cookie buys no more than one network's worth of guesses.
    for (let i = 0; i < 3; i++) {
      await (await limiter.reserve({ subject: "quinn", network: `192.0.2.${i}`, knownDevice: "stolen" })).settle(
        "failure",
      );
    }
    const refused = await refusal(limiter.reserve({ subject: "quinn", network: "192.0.2.50", knownDevice: "stolen" }));
    expect(refused).toMatchObject({ code: "RATE_LIMITED" });
    expect((refused as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    // Another device of the owner is not affected.
    await (await limiter.reserve({ subject: "quinn", network: "192.0.2.60", knownDevice: "owner" })).settle("success");
  });

  it("lets a known device sign in from a network whose (account, network) limit a stranger used up (NAT, a shared /64)", async () => {
    const limiter = start();
    // A stranger behind the owner's NAT guesses until the pair is refused …
    for (let i = 0; i < 3; i++)
      await (await limiter.reserve({ subject: "rosa", network: "192.0.2.70" })).settle("failure");
    expect(await refusal(limiter.reserve({ subject: "rosa", network: "192.0.2.70" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
    // … and the owner's device, from that same address, still signs in.
    await (await limiter.reserve({ subject: "rosa", network: "192.0.2.70", knownDevice: "owner" })).settle("success");
  });

  it("still slows unknown devices by the account-wide delay, and lets them try after the wait", async () => {
    const limiter = start();
    expect(await guessFrom("sven", 6)).toBe(6);
    expect(await refusal(limiter.reserve({ subject: "sven", network: "203.0.113.90" }))).toMatchObject({
      code: "RATE_LIMITED",
      retryAfter: 1,
    });
    now += 1000;
    await (await limiter.reserve({ subject: "sven", network: "203.0.113.90" })).settle("failure");
  });

  it("counts guesses at unguessable tokens per network only, with no key shared by every user", async () => {
    const limiter = start();
    const junk = async (ip: string) =>
      (await limiter.reserve({ subject: "\u0000password-reset", network: ip, accountWide: false })).settle("failure");
    // Junk from ten networks, two each: far past what an account-wide key would allow.
    for (let i = 0; i < 10; i++) {
      await junk(`203.0.113.${i}`);
      await junk(`203.0.113.${i}`);
    }
    // The victim's link, from another network, is checked.
    await (
      await limiter.reserve({ subject: "\u0000password-reset", network: "198.51.100.7", accountWide: false })
    ).settle("success");
    // Each network still has its own limit.
    await junk("203.0.113.0");
    expect(
      await refusal(limiter.reserve({ subject: "\u0000password-reset", network: "203.0.113.0", accountWide: false })),
    ).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("gives a known device's reservation back when the check never ran", async () => {
    const limiter = start();
    for (let i = 0; i < 5; i++) {
      await (await limiter.reserve({ subject: "tara", network: `192.0.2.${i}`, knownDevice: "d" })).settle(
        "not-checked",
      );
    }
    for (let i = 0; i < 3; i++) {
      await (await limiter.reserve({ subject: "tara", network: `192.0.2.${10 + i}`, knownDevice: "d" })).settle(
        "failure",
      );
    }
    expect(await refusal(limiter.reserve({ subject: "tara", network: "192.0.2.20", knownDevice: "d" }))).toMatchObject({
      code: "RATE_LIMITED",
    });
  });
});
