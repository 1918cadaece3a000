import { describe, expect, it } from "vitest";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

describe("verified token cache", () => {
  it("returns remembered claims until exp, then forgets them", () => {
    const cache = createVerifiedTokenCache<{ exp: number; sub: string }>(10);
    cache.set("t", { exp: 100, sub: "u" });
    expect(cache.get("t", 99)?.sub).toBe("u");
    expect(cache.get("t", 100)).toBeUndefined();
    expect(cache.get("t", 50)).toBeUndefined();
  });

  it("keeps at most maxEntries, dropping the oldest", () => {
    const cache = createVerifiedTokenCache<{ exp: number }>(2);
    cache.set("a", { exp: 10 });
    cache.set("b", { exp: 10 });
    cache.set("c", { exp: 10 });
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)).toBeDefined();
    expect(cache.get("c", 0)).toBeDefined();
  });

  it("stores nothing when disabled", () => {
    const cache = createVerifiedTokenCache<{ exp: number }>(0);
    cache.set("a", { exp: 10 });
    expect(cache.get("a", 0)).toBeUndefined();
  });
});
