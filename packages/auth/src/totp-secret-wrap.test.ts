import { describe, expect, it } from "vitest";
import { createTotpSecretWrap } from "./totp-secret-wrap.js";

const A = "a".repeat(32);
const B = "b".repeat(32);

describe("TOTP secret wrap", () => {
  it("seals and opens a secret for its user only", async () => {
    const wrap = createTotpSecretWrap(A);
    const sealed = await wrap.seal("u1", "JBSWY3DPEHPK3PXP");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(await wrap.open("u1", sealed)).toEqual({ secret: "JBSWY3DPEHPK3PXP", stale: false });
    await expect(wrap.open("u2", sealed)).rejects.toThrow(TypeError);
  });

  it("opens a secret sealed under a previous AUTH_SECRET and says it is stale", async () => {
    const sealed = await createTotpSecretWrap(A).seal("u1", "S");
    expect(await createTotpSecretWrap(B, [A]).open("u1", sealed)).toEqual({ secret: "S", stale: true });
    await expect(createTotpSecretWrap(B).open("u1", sealed)).rejects.toThrow(TypeError);
  });
});
