import { CompactEncrypt, compactDecrypt } from "jose";
import { totpSecretKeys } from "./keyring.js";

/**
 * Users' TOTP secrets are stored encrypted (JWE, `dir` + A256GCM, jose) under
 * a key derived from AUTH_SECRET with a label of its own: a copy of the
 * database alone cannot compute codes. The user id is inside the
 * authenticated plaintext, so a sealed secret cannot be moved to another user.
 */
export interface TotpSecretWrap {
  seal(userId: string, secret: string): Promise<string>;
  /** The secret, and whether it was sealed with a previous AUTH_SECRET (then seal it again). */
  open(userId: string, sealed: string): Promise<{ secret: string; stale: boolean }>;
}

export function createTotpSecretWrap(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): TotpSecretWrap {
  const keys = totpSecretKeys(secret, previousSecrets);
  const current = keys[0] as Uint8Array;
  return {
    async seal(userId, totpSecret) {
      const plaintext = new TextEncoder().encode(JSON.stringify({ sub: userId, secret: totpSecret }));
      return new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(current);
    },
    async open(userId, sealed) {
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
        const value = JSON.parse(new TextDecoder().decode(plaintext)) as { sub?: unknown; secret?: unknown };
        if (value.sub !== userId || typeof value.secret !== "string") {
          throw new TypeError(`the stored TOTP secret of ${userId} belongs to another user`);
        }
        return { secret: value.secret, stale: index > 0 };
      }
      throw new TypeError(`the stored TOTP secret of ${userId} cannot be decrypted with the secret or a previous one`);
    },
  };
}
