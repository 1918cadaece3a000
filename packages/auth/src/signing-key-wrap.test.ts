import { describe, expect, it } from "vitest";
import { generateSigningKey } from "./signing-key-lifecycle.js";
import { createSigningKeyWrap } from "./signing-key-wrap.js";

const SECRET = "s".repeat(32);
const OLD = "o".repeat(32);

describe("signing key wrap", () => {
  it("seals a private JWK so that only the secret (or a previous one) opens it", async () => {
    const key = await generateSigningKey("EdDSA", { generation: 1, createdAt: 0, activatesAt: 0 });
    const sealed = await createSigningKeyWrap(SECRET).seal(key.kid, key.privateJwk);
    expect(sealed).not.toContain(String(key.privateJwk.d));
    expect(sealed.split(".")).toHaveLength(5);
    expect(await createSigningKeyWrap(SECRET).open(key.kid, sealed)).toEqual({ jwk: key.privateJwk, stale: false });
    // After AUTH_SECRET rotation: opened with the previous secret, and marked for sealing again.
    expect((await createSigningKeyWrap("n".repeat(32), [SECRET]).open(key.kid, sealed)).stale).toBe(true);
    await expect(createSigningKeyWrap(OLD).open(key.kid, sealed)).rejects.toThrow(/cannot be decrypted/);
  });

  it("refuses a sealed key moved to another kid, and a tampered one", async () => {
    const wrap = createSigningKeyWrap(SECRET);
    const key = await generateSigningKey("ES256", { generation: 1, createdAt: 0, activatesAt: 0 });
    const sealed = await wrap.seal(key.kid, key.privateJwk);
    await expect(wrap.open("another-kid", sealed)).rejects.toThrow(/holds another key/);
    const parts = sealed.split(".");
    parts[3] = `${parts[3]?.slice(0, -2)}AA`;
    await expect(wrap.open(key.kid, parts.join("."))).rejects.toThrow(/cannot be decrypted/);
  });
});
