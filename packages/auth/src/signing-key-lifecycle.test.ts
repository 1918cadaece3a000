import { describe, expect, it } from "vitest";
import {
  ensureSigningKey,
  generateSigningKey,
  rotateSigningKeys,
  SigningKeyAlgorithmError,
  SigningKeyRotationError,
  signingKeyPhases,
} from "./signing-key-lifecycle.js";
import { createMemorySigningKeyStore, type SigningKeyStore, type StoredSigningKey } from "./signing-key-store.js";

const T0 = Date.UTC(2026, 0, 1);
const TTL = 900;
const at = (seconds: number) => T0 + seconds * 1000;

async function key(generation: number, activatesAtSeconds: number): Promise<StoredSigningKey> {
  return generateSigningKey("EdDSA", { generation, createdAt: T0, activatesAt: at(activatesAtSeconds) });
}

const states = (keys: StoredSigningKey[], seconds: number) =>
  signingKeyPhases(keys, at(seconds), TTL).map((p) => [p.key.generation, p.state]);

describe("signing key lifecycle", () => {
  it("generates a key whose kid is its RFC 7638 thumbprint, carried in the JWK", async () => {
    const k = await key(1, 0);
    expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(k.privateJwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: k.kid });
    expect(typeof k.privateJwk.d).toBe("string");
    const es = await generateSigningKey("ES256", { generation: 1, createdAt: T0, activatesAt: T0 });
    expect(es.privateJwk).toMatchObject({ kty: "EC", crv: "P-256" });
  });

  it("publishes a next key, promotes it at its instant, and drops the retired one after TTL plus skew", async () => {
    const keys = [await key(1, 0), await key(2, 600)];
    expect(states(keys, 10)).toEqual([
      [1, "current"],
      [2, "next"],
    ]);
    expect(states(keys, 600)).toEqual([
      [2, "current"],
      [1, "retired"],
    ]);
    const retired = signingKeyPhases(keys, at(600), TTL)[1];
    expect(retired).toMatchObject({ retiredAt: at(600), acceptedUntil: at(600 + TTL + 5) });
    expect(states(keys, 600 + TTL + 4)).toEqual([
      [2, "current"],
      [1, "retired"],
    ]);
    expect(states(keys, 600 + TTL + 5)).toEqual([[2, "current"]]);
  });

  it("orders keys by activation, then generation, whatever order storage returns", async () => {
    const keys = [await key(3, 200), await key(1, 0), await key(2, 100)];
    expect(states(keys, 250)).toEqual([
      [3, "current"],
      [2, "retired"],
      [1, "retired"],
    ]);
  });
});

describe("ensureSigningKey", () => {
  it("generates one current key for an empty store, once", async () => {
    const store = createMemorySigningKeyStore();
    await ensureSigningKey(store, { algorithm: "EdDSA", now: T0, ttlSeconds: TTL });
    await ensureSigningKey(store, { algorithm: "EdDSA", now: at(1), ttlSeconds: TTL });
    const keys = await store.list();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ generation: 1, activatesAt: T0, alg: "EdDSA" });
  });

  it("lets one of two racing starters win generation 1; the other takes its key", async () => {
    const store = createMemorySigningKeyStore();
    await Promise.all([
      ensureSigningKey(store, { algorithm: "ES256", now: T0, ttlSeconds: TTL }),
      ensureSigningKey(store, { algorithm: "ES256", now: T0, ttlSeconds: TTL }),
    ]);
    expect(await store.list()).toHaveLength(1);
  });

  it("refuses stored keys of another algorithm", async () => {
    const store = createMemorySigningKeyStore([await key(1, 0)]);
    await expect(ensureSigningKey(store, { algorithm: "ES256", now: T0, ttlSeconds: TTL })).rejects.toBeInstanceOf(
      SigningKeyAlgorithmError,
    );
  });

  it("never writes a read-only store", async () => {
    const store: SigningKeyStore = { ...createMemorySigningKeyStore(), readOnly: true };
    await expect(ensureSigningKey(store, { algorithm: "EdDSA", now: T0, ttlSeconds: TTL })).rejects.toThrow(TypeError);
  });
});

describe("rotateSigningKeys", () => {
  const options = { now: at(100), delaySeconds: 600, ttlSeconds: TTL };

  it("adds a next key of the current's algorithm, activating after the delay", async () => {
    const store = createMemorySigningKeyStore([await key(1, 0)]);
    const { current, next, removed } = await rotateSigningKeys(store, options);
    expect(current.generation).toBe(1);
    expect(next).toMatchObject({ generation: 2, alg: "EdDSA", activatesAt: at(700), createdAt: at(100) });
    expect(removed).toEqual([]);
    expect(states(await store.list(), 100)).toEqual([
      [1, "current"],
      [2, "next"],
    ]);
  });

  it("refuses while a next key waits, without a key, on a read-only store, or for another algorithm", async () => {
    const store = createMemorySigningKeyStore([await key(1, 0)]);
    await rotateSigningKeys(store, options);
    await expect(rotateSigningKeys(store, options)).rejects.toThrow(/already published and becomes current at/);
    await expect(rotateSigningKeys(createMemorySigningKeyStore(), options)).rejects.toBeInstanceOf(
      SigningKeyRotationError,
    );
    const readOnly = { ...createMemorySigningKeyStore([await key(1, 0)]), readOnly: true };
    await expect(rotateSigningKeys(readOnly, options)).rejects.toThrow(/come from configuration/);
    const other = createMemorySigningKeyStore([await key(1, 0)]);
    await expect(rotateSigningKeys(other, { ...options, algorithm: "ES256" })).rejects.toBeInstanceOf(
      SigningKeyAlgorithmError,
    );
  });

  it("reports a concurrent rotation that stored its key first", async () => {
    const inner = createMemorySigningKeyStore([await key(1, 0)]);
    const racing: SigningKeyStore = { ...inner, add: async () => false };
    await expect(rotateSigningKeys(racing, options)).rejects.toThrow(/Another rotation/);
  });

  it("deletes retired keys a day past their grace, never sooner", async () => {
    const store = createMemorySigningKeyStore([await key(1, 0), await key(2, 100)]);
    const dayAfterGrace = 100 + TTL + 5 + 24 * 3600;
    expect((await rotateSigningKeys(store, { ...options, now: at(dayAfterGrace - 1) })).removed).toEqual([]);
    const fresh = createMemorySigningKeyStore([await key(1, 0), await key(2, 100)]);
    const [first] = await fresh.list();
    const { removed } = await rotateSigningKeys(fresh, { ...options, now: at(dayAfterGrace) });
    expect(removed).toEqual([first?.kid]);
    expect((await fresh.list()).map((k) => k.generation)).toEqual([2, 3]);
  });
});
