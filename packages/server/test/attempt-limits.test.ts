import { describe, expect, it } from "vitest";
import { type AttemptRules, accountDelayMs } from "../src/rate-limit/attempt-store.js";
import { normalizeIp, rateLimitNetwork } from "../src/rate-limit/client-network.js";
import { createMemoryAttemptStore } from "../src/rate-limit/memory-attempt-store.js";
import { createAttemptLimiter } from "../src/rate-limit/rate-limiter.js";

describe("client addresses for rate limits", () => {
  it.each([
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["198.51.100.7:51234", "198.51.100.7"],
    ["[2001:db8::1]:443", "2001:0db8:0000:0000:0000:0000:0000:0001"],
    ["2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"],
    ["fe80::1%eth0", "fe80:0000:0000:0000:0000:0000:0000:0001"],
    ["::1", "0000:0000:0000:0000:0000:0000:0000:0001"],
  ])("normalizes %s to %s", (raw, normalized) => {
    expect(normalizeIp(raw)).toBe(normalized);
  });

  it.each(["", "unknown", "1.2.3", "999.1.1.1", "2001:db8::g", "<script>", "1.2.3.4, 5.6.7.8"])(
    "refuses %j as an address",
    (raw) => {
      expect(normalizeIp(raw)).toBeUndefined();
    },
  );

  it("groups IPv6 clients by /64 and keeps IPv4 addresses apart", () => {
    expect(rateLimitNetwork("2001:db8:1:2:aaaa::1")).toBe(rateLimitNetwork("2001:db8:1:2:ffff:1:2:3"));
    expect(rateLimitNetwork("2001:db8:1:2::1")).not.toBe(rateLimitNetwork("2001:db8:1:3::1"));
    expect(rateLimitNetwork("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(rateLimitNetwork("192.0.2.1")).not.toBe(rateLimitNetwork("192.0.2.2"));
  });
});

const rules: AttemptRules = {
  pairLimit: 3,
  networkLimit: 60,
  windowMs: 600_000,
  accountFreeAttempts: 6,
  accountMaxDelayMs: 30_000,
};

describe("progressive delay per account", () => {
  it("doubles from 1 s after the free attempts, up to the maximum", () => {
    expect([5, 6, 7, 8, 12, 40].map((n) => accountDelayMs(n, rules))).toEqual([0, 1000, 2000, 4000, 30_000, 30_000]);
  });

  it("slows guesses spread over many networks, then lets the account try again after the wait", async () => {
    let now = 1_000_000;
    const limiter = createAttemptLimiter(
      createMemoryAttemptStore(() => now),
      {
        maxFailures: 3,
        maxFailuresPerNetwork: 60,
        window: 600,
        accountFreeAttempts: 6,
        accountMaxDelay: 30,
      },
    );
    // Six networks, one failure each: all checked (no pair reaches its limit).
    for (let i = 0; i < 6; i++)
      await (await limiter.reserve({ subject: "Olga", network: `198.51.100.${i}` })).settle("failure");
    // The seventh, from yet another network, must wait 1 s.
    const refused = await limiter
      .reserve({ subject: "olga", network: "198.51.100.99" })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfter: 1 });
    now += 1000;
    await (await limiter.reserve({ subject: "olga", network: "198.51.100.99" })).settle("failure");
    // Now 2 s.
    now += 1999;
    await expect(limiter.reserve({ subject: "olga", network: "198.51.100.98" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    now += 1;
    const attempt = await limiter.reserve({ subject: "olga", network: "198.51.100.98" });
    // The right password starts the account afresh.
    await attempt.settle("success");
    await (await limiter.reserve({ subject: "olga", network: "198.51.100.97" })).settle("failure");
  });

  it("gives a reservation back when the check never ran", async () => {
    const limiter = createAttemptLimiter(createMemoryAttemptStore(), {
      maxFailures: 1,
      maxFailuresPerNetwork: 10,
      window: 600,
      accountFreeAttempts: 10,
      accountMaxDelay: 30,
    });
    await (await limiter.reserve({ subject: "pia", network: "192.0.2.1" })).settle("not-checked");
    await (await limiter.reserve({ subject: "pia", network: "192.0.2.1" })).settle("failure");
    await expect(limiter.reserve({ subject: "pia", network: "192.0.2.1" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
  });
});
