import { describe, expect, it } from "vitest";
import { createRevokedSessionSet } from "./revoked-session-set.js";

const T0 = Date.UTC(2026, 0, 1);
const RETAIN_MS = 905_000; // ACCESS_TOKEN_TTL 900 s + 5 s of clock skew

function setup() {
  let now = T0;
  const set = createRevokedSessionSet({ retainMs: RETAIN_MS, now: () => now });
  return {
    set,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("revoked session set bound", () => {
  it("holds an ended session until no token of it can be valid (revokedAt + TTL + skew), then drops it", () => {
    const { set, advance } = setup();
    set.add("a", T0);
    set.add("b", T0 + 60_000);
    expect(set.has("a")).toBe(true);
    expect(set.size).toBe(2);
    advance(RETAIN_MS - 1);
    expect(set.has("a")).toBe(true);
    advance(1);
    expect(set.has("a")).toBe(false);
    expect(set.has("b")).toBe(true);
    expect(set.size).toBe(1);
    advance(60_000);
    expect(set.has("b")).toBe(false);
    expect(set.size).toBe(0);
  });

  it("stays bounded under a steady stream of revocations: only the last TTL's worth is held", () => {
    const { set, advance } = setup();
    // One revocation a second for an hour.
    for (let second = 0; second < 3600; second++) {
      set.add(`s${second}`, T0 + second * 1000);
      advance(1000);
    }
    expect(set.size).toBeLessThanOrEqual(RETAIN_MS / 1000 + 1);
    expect(set.size).toBeGreaterThanOrEqual(RETAIN_MS / 1000 - 1);
    expect(set.has("s0")).toBe(false);
    expect(set.has("s3599")).toBe(true);
  });

  it("ignores a revocation already past its bound, and keeps the later of two times for one id", () => {
    const { set, advance } = setup();
    advance(RETAIN_MS + 10_000);
    set.add("old", T0);
    expect(set.has("old")).toBe(false);
    expect(set.size).toBe(0);
    set.add("twice", T0 + RETAIN_MS);
    set.add("twice", T0 + 5_000); // an earlier time, told again by a reload: does not shorten it
    advance(RETAIN_MS - 10_000 - 1);
    expect(set.has("twice")).toBe(true);
  });
});
