import { describe, expect, it } from "vitest";
import { createSignInFlowSeal } from "./sign-in-flow-seal.js";

const SECRET = "a".repeat(32);
const OTHER = "b".repeat(32);

describe("sign-in flow seal", () => {
  it("opens what it sealed until it expires, and never after", async () => {
    const seal = createSignInFlowSeal(SECRET);
    const sealed = await seal.seal({ state: "s", nonce: "n" }, 1_000);
    expect(await seal.open(sealed, 999)).toEqual({ state: "s", nonce: "n" });
    expect(await seal.open(sealed, 1_000)).toBeUndefined();
  });

  it("refuses a value sealed under another secret, a tampered one and an oversized one", async () => {
    const sealed = await createSignInFlowSeal(OTHER).seal({ state: "s" }, 1_000);
    expect(await createSignInFlowSeal(SECRET).open(sealed, 0)).toBeUndefined();
    const own = await createSignInFlowSeal(SECRET).seal({ state: "s" }, 1_000);
    const flipped = `${own.slice(0, -2)}${own.endsWith("A") ? "B" : "A"}${own.slice(-1)}`;
    expect(await createSignInFlowSeal(SECRET).open(flipped, 0)).toBeUndefined();
    expect(await createSignInFlowSeal(SECRET).open("x".repeat(5000), 0)).toBeUndefined();
  });

  it("opens with a previous secret after rotation", async () => {
    const sealed = await createSignInFlowSeal(OTHER).seal({ state: "s" }, 1_000);
    expect(await createSignInFlowSeal(SECRET, [OTHER]).open(sealed, 0)).toEqual({ state: "s" });
  });
});
