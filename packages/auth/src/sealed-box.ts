import { CompactEncrypt, compactDecrypt } from "jose";

/**
 * JSON values sealed for storage (JWE, `dir` + A256GCM, jose) under keys
 * derived from AUTH_SECRET: the first key seals, every key opens (retired
 * secrets keep working until what they sealed is sealed again).
 */
export interface SealedBox {
  seal(value: unknown): Promise<string>;
  /** The value, and whether a previous key sealed it; undefined when no key opens it. */
  open(sealed: string): Promise<{ value: unknown; stale: boolean } | undefined>;
}

export function createSealedBox(keys: readonly Uint8Array[]): SealedBox {
  const current = keys[0];
  if (!current) throw new TypeError("a sealed box needs at least one key");
  return {
    seal(value) {
      const plaintext = new TextEncoder().encode(JSON.stringify(value));
      return new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(current);
    },
    async open(sealed) {
      for (const [index, key] of keys.entries()) {
        let plaintext: Uint8Array;
        try {
          ({ plaintext } = await compactDecrypt(sealed, key, {
            keyManagementAlgorithms: ["dir"],
            contentEncryptionAlgorithms: ["A256GCM"],
          }));
        } catch {
          continue;
        }
        return { value: JSON.parse(new TextDecoder().decode(plaintext)) as unknown, stale: index > 0 };
      }
      return undefined;
    },
  };
}
