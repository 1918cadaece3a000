import { totpSecretKeys } from "./keyring.js";
import { createSealedBox } from "./sealed-box.js";

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
  const box = createSealedBox(totpSecretKeys(secret, previousSecrets));
  return {
    seal: (userId, totpSecret) => box.seal({ sub: userId, secret: totpSecret }),
    async open(userId, sealed) {
      const opened = await box.open(sealed);
      if (!opened) {
        throw new TypeError(
          `the stored TOTP secret of ${userId} cannot be decrypted with the secret or a previous one`,
        );
      }
      const value = opened.value as { sub?: unknown; secret?: unknown };
      if (value.sub !== userId || typeof value.secret !== "string") {
        throw new TypeError(`the stored TOTP secret of ${userId} belongs to another user`);
      }
      return { secret: value.secret, stale: opened.stale };
    },
  };
}
