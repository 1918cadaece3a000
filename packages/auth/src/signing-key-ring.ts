import { CompactSign, type CryptoKey, compactVerify, importJWK, type JWK } from "jose";
import {
  ensureSigningKey,
  SigningKeyAlgorithmError,
  type SigningKeyPhase,
  signingKeyPhases,
} from "./signing-key-lifecycle.js";
import type { AsymmetricAlgorithm, SigningKeyStore, StoredSigningKey } from "./signing-key-store.js";

/** A public JWK as published at /.well-known/jwks.json. */
export interface PublicJwk extends JWK {
  readonly kid: string;
  readonly alg: AsymmetricAlgorithm;
  readonly use: "sig";
}

/** The keys an issuer of access tokens holds at a moment: one signs, several verify, all of those are published. */
export interface SigningKeyRing {
  readonly algorithm: AsymmetricAlgorithm;
  /** The key that signs now. */
  signingKey(): { readonly kid: string; readonly key: CryptoKey };
  /** The key named `kid` when tokens of it are accepted now (current, next, or retired within its grace). */
  verificationKey(kid: string): CryptoKey | undefined;
  /** The JWK set to publish now: public members only, current key first. */
  publicJwks(): { keys: PublicJwk[] };
  /** Every key's state now. */
  phases(): SigningKeyPhase[];
  /** Reads the store again: keys added by a rotation elsewhere (the CLI, another instance). */
  reload(): Promise<void>;
}

export interface SigningKeyRingOptions {
  readonly store: SigningKeyStore;
  readonly algorithm: AsymmetricAlgorithm;
  /** ACCESS_TOKEN_TTL, seconds: how long a retired key stays accepted. */
  readonly ttl: number;
  readonly now?: () => number;
}

interface ImportedKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: PublicJwk;
}

/** Only the members RFC 8037 / RFC 7518 define as public, picked by name: `d` can never slip through. */
function publicMembers(key: StoredSigningKey): PublicJwk {
  const { kty, crv, x, y } = key.privateJwk;
  const base = { kid: key.kid, alg: key.alg, use: "sig" as const };
  if (kty === "OKP" && key.alg === "EdDSA") return { kty, crv, x, ...base };
  if (kty === "EC" && key.alg === "ES256") return { kty, crv, x, y, ...base };
  throw new TypeError(`signing key ${key.kid} is a ${String(kty)} key, which cannot sign ${key.alg}`);
}

const PROBE = new TextEncoder().encode("tollgate signing key check");

/** Imports a stored key (jose) and proves its public members belong to its private key. */
async function importKey(key: StoredSigningKey): Promise<ImportedKey> {
  if (typeof key.privateJwk.d !== "string") throw new TypeError(`signing key ${key.kid} has no private part`);
  const publicJwk = publicMembers(key);
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...key.privateJwk, alg: key.alg }, key.alg)) as CryptoKey;
    publicKey = (await importJWK(publicJwk, key.alg)) as CryptoKey;
  } catch (cause) {
    throw new TypeError(`signing key ${key.kid} is not a valid ${key.alg} key`, { cause });
  }
  const probe = await new CompactSign(PROBE).setProtectedHeader({ alg: key.alg }).sign(privateKey);
  try {
    await compactVerify(probe, publicKey, { algorithms: [key.alg] });
  } catch (cause) {
    throw new TypeError(`signing key ${key.kid}: its public members do not match its private key`, { cause });
  }
  return { privateKey, publicKey, publicJwk };
}

/**
 * The issuer's keys, read from a store. At creation a first key is generated
 * when none signs yet (unless the store is read-only); afterwards `reload`
 * picks up rotations. Which key signs is worked out on every call from the
 * clock, so a next key takes over at its instant on every instance alike.
 */
export async function createSigningKeyRing(options: SigningKeyRingOptions): Promise<SigningKeyRing> {
  const { store, algorithm, ttl } = options;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError("ttl must be a positive whole number of seconds");
  let keys: readonly StoredSigningKey[] = [];
  let imported = new Map<string, ImportedKey>();

  async function reload(): Promise<void> {
    const listed = await store.list();
    const kids = new Set<string>();
    const next = new Map<string, ImportedKey>();
    for (const key of listed) {
      if (key.alg !== algorithm) throw new SigningKeyAlgorithmError(key.alg, algorithm);
      if (kids.has(key.kid)) throw new TypeError(`two signing keys share the kid ${key.kid}`);
      kids.add(key.kid);
      next.set(key.kid, imported.get(key.kid) ?? (await importKey(key)));
    }
    keys = listed;
    imported = next;
  }

  const phases = () => signingKeyPhases(keys, now(), ttl);

  await ensureSigningKey(store, { algorithm, now: now(), ttlSeconds: ttl });
  await reload();

  return {
    algorithm,
    signingKey() {
      const current = phases().find((p) => p.state === "current");
      const found = current && imported.get(current.key.kid);
      // ensureSigningKey made one current, and a current key stays current until a later one activates.
      if (!current || !found) throw new Error("no signing key is current");
      return { kid: current.key.kid, key: found.privateKey };
    },
    verificationKey(kid) {
      const phase = phases().find((p) => p.key.kid === kid);
      return phase ? imported.get(kid)?.publicKey : undefined;
    },
    publicJwks() {
      const published: PublicJwk[] = [];
      for (const phase of phases()) {
        const key = imported.get(phase.key.kid);
        if (key) published.push(key.publicJwk);
      }
      return { keys: published };
    },
    phases,
    reload,
  };
}
