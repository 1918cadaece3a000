import { calculateJwkThumbprint, type JWK } from "jose";

/** The asymmetric access-token algorithms Tollgate signs with: Ed25519 (EdDSA) and P-256 (ES256). */
export const ASYMMETRIC_ALGORITHMS = ["EdDSA", "ES256"] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export function isAsymmetricAlgorithm(value: unknown): value is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(value);
}

/** A private JWK (`kty`, `crv`, `x`, `y` for EC, `d`). */
export type PrivateJwk = JWK;

/**
 * One signing key as storage keeps it. Its state is never stored: it follows
 * from the clock (signing-key-lifecycle.ts), so every instance reading the
 * same keys agrees on which one signs without anyone writing at the switch.
 */
export interface StoredSigningKey {
  /** RFC 7638 thumbprint of the public key (or the kid configured with it). */
  readonly kid: string;
  readonly alg: AsymmetricAlgorithm;
  /** 1, 2, 3…: the order of creation. A store holds at most one key per generation. */
  readonly generation: number;
  readonly privateJwk: PrivateJwk;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms from which it signs, until a later key activates. Before: published, not yet signing ("next"). */
  readonly activatesAt: number;
}

/**
 * Where signing keys live (a file in the data directory, a database table, the
 * environment). Implementations stay outside this package, like SessionStore's.
 */
export interface SigningKeyStore {
  list(): Promise<StoredSigningKey[]>;
  /**
   * Adds `key` unless the store already holds a key of its generation (another
   * writer got there first): then false, and nothing changes.
   */
  add(key: StoredSigningKey): Promise<boolean>;
  /** Deletes keys no token can need any more. */
  remove(kids: readonly string[]): Promise<void>;
  /** Keys given by configuration: rotated where they are configured, never written here. */
  readonly readOnly?: boolean;
}

/** A store in memory (tests, and `DATA_DIR=memory://` when no database holds the keys). */
export function createMemorySigningKeyStore(initial: readonly StoredSigningKey[] = []): SigningKeyStore {
  let keys = [...initial];
  return {
    async list() {
      return [...keys];
    },
    async add(key) {
      if (keys.some((k) => k.generation === key.generation || k.kid === key.kid)) return false;
      keys.push(key);
      return true;
    },
    async remove(kids) {
      keys = keys.filter((k) => !kids.includes(k.kid));
    },
  };
}

/**
 * Keys given by configuration (a JWK set): the first signs; the others are
 * published and accepted but never sign (one about to take over, or one whose
 * tokens have not expired yet), like a next key that never activates.
 * Read-only: rotating them is an edit of the configuration. A key without a
 * kid gets its RFC 7638 thumbprint.
 */
export function createConfiguredSigningKeyStore(
  jwks: readonly PrivateJwk[],
  alg: AsymmetricAlgorithm,
): SigningKeyStore {
  if (jwks.length === 0) throw new TypeError("at least one signing key is required");
  const keys = Promise.all(
    jwks.map(async (jwk, index): Promise<StoredSigningKey> => {
      const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
      const activatesAt = index === 0 ? 0 : Number.MAX_SAFE_INTEGER;
      return { kid, alg, generation: jwks.length - index, privateJwk: { ...jwk, kid }, createdAt: 0, activatesAt };
    }),
  );
  return {
    readOnly: true,
    list: async () => [...(await keys)],
    add: async () => false,
    remove: async () => {},
  };
}
