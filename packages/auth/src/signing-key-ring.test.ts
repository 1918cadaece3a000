import { compactVerify, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey, rotateSigningKeys, SigningKeyAlgorithmError } from "./signing-key-lifecycle.js";
import { createSigningKeyRing } from "./signing-key-ring.js";
import { createConfiguredSigningKeyStore, createMemorySigningKeyStore } from "./signing-key-store.js";

const T0 = Date.UTC(2026, 0, 1);
const TTL = 900;

function clock() {
  let t = T0;
  return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
}

describe("signing key ring", () => {
  it.each(["EdDSA", "ES256"] as const)("publishes only public members of its %s keys", async (algorithm) => {
    const store = createMemorySigningKeyStore();
    const ring = await createSigningKeyRing({ store, algorithm, ttl: TTL, now: () => T0 });
    const { keys } = ring.publicJwks();
    expect(keys).toHaveLength(1);
    const [jwk] = keys;
    expect(jwk).not.toHaveProperty("d");
    const members =
      algorithm === "EdDSA" ? ["alg", "crv", "kid", "kty", "use", "x"] : ["alg", "crv", "kid", "kty", "use", "x", "y"];
    expect(Object.keys(jwk ?? {}).sort()).toEqual(members);
    expect(jwk).toMatchObject({ alg: algorithm, use: "sig", kid: ring.signingKey().kid });
  });

  it("follows a rotation: next published, then signing, the old one accepted until its grace ends", async () => {
    const c = clock();
    const store = createMemorySigningKeyStore();
    const ring = await createSigningKeyRing({ store, algorithm: "EdDSA", ttl: TTL, now: c.now });
    const first = ring.signingKey().kid;
    const { next } = await rotateSigningKeys(store, { now: c.now(), delaySeconds: 600, ttlSeconds: TTL });
    // Not seen before a reload.
    expect(ring.verificationKey(next.kid)).toBeUndefined();
    await ring.reload();
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual([first, next.kid]);
    expect(ring.signingKey().kid).toBe(first);
    expect(ring.verificationKey(next.kid)).toBeDefined();
    c.advance(600);
    expect(ring.signingKey().kid).toBe(next.kid);
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual([next.kid, first]);
    c.advance(TTL + 4);
    expect(ring.verificationKey(first)).toBeDefined();
    c.advance(1);
    expect(ring.verificationKey(first)).toBeUndefined();
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual([next.kid]);
  });

  it("signs with the private key of the published public key", async () => {
    const ring = await createSigningKeyRing({ store: createMemorySigningKeyStore(), algorithm: "ES256", ttl: TTL });
    const { CompactSign } = await import("jose");
    const { kid, key } = ring.signingKey();
    const jws = await new CompactSign(new Uint8Array([1])).setProtectedHeader({ alg: "ES256", kid }).sign(key);
    const published = ring.publicJwks().keys[0];
    await expect(compactVerify(jws, await importJWK(published ?? {}, "ES256"))).resolves.toBeDefined();
  });

  it("refuses a key whose public members belong to another key", async () => {
    const a = await generateSigningKey("EdDSA", { generation: 1, createdAt: T0, activatesAt: T0 });
    const b = await generateSigningKey("EdDSA", { generation: 2, createdAt: T0, activatesAt: T0 });
    const mixed = { ...a, privateJwk: { ...a.privateJwk, x: b.privateJwk.x } };
    await expect(
      createSigningKeyRing({
        store: createMemorySigningKeyStore([mixed]),
        algorithm: "EdDSA",
        ttl: TTL,
        now: () => T0,
      }),
    ).rejects.toThrow(/do not match its private key|is not a valid EdDSA key/);
  });

  it("refuses keys of another algorithm, also when a reload brings one", async () => {
    const es = await generateSigningKey("ES256", { generation: 1, createdAt: T0, activatesAt: T0 });
    await expect(
      createSigningKeyRing({ store: createMemorySigningKeyStore([es]), algorithm: "EdDSA", ttl: TTL, now: () => T0 }),
    ).rejects.toBeInstanceOf(SigningKeyAlgorithmError);
    const store = createMemorySigningKeyStore();
    const ring = await createSigningKeyRing({ store, algorithm: "EdDSA", ttl: TTL, now: () => T0 });
    await store.add({ ...es, generation: 2 });
    await expect(ring.reload()).rejects.toBeInstanceOf(SigningKeyAlgorithmError);
    // The ring keeps what it had.
    expect(ring.publicJwks().keys).toHaveLength(1);
  });

  it("takes configured keys: the first signs, the others are published and accepted, nothing is written", async () => {
    const a = await generateSigningKey("ES256", { generation: 1, createdAt: T0, activatesAt: T0 });
    const b = await generateSigningKey("ES256", { generation: 2, createdAt: T0, activatesAt: T0 });
    const { kid: _, ...withoutKid } = b.privateJwk;
    const store = createConfiguredSigningKeyStore([{ ...a.privateJwk, kid: "first" }, withoutKid], "ES256");
    const ring = await createSigningKeyRing({ store, algorithm: "ES256", ttl: TTL, now: () => T0 });
    expect(ring.signingKey().kid).toBe("first");
    // A key without a kid is named by its thumbprint.
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual(["first", b.kid]);
    expect(ring.verificationKey(b.kid)).toBeDefined();
    expect(await store.add(a)).toBe(false);
    await expect(rotateSigningKeys(store, { now: T0, delaySeconds: 1, ttlSeconds: TTL })).rejects.toThrow(
      /come from configuration/,
    );
    expect(() => createConfiguredSigningKeyStore([], "ES256")).toThrow(TypeError);
  });
});
