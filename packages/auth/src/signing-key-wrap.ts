import { signingKeyWrapKeys } from "./keyring.js";
import { createSealedBox } from "./sealed-box.js";
import type { PrivateJwk } from "./signing-key-store.js";

/**
 * Private signing keys kept in a shared database are stored encrypted (JWE,
 * `dir` + A256GCM, jose) under a key derived from AUTH_SECRET: a copy of the
 * database alone cannot mint access tokens. The JWK's own `kid` is inside the
 * authenticated plaintext, so a sealed key cannot be moved to another row.
 */
export interface SigningKeyWrap {
  seal(kid: string, jwk: PrivateJwk): Promise<string>;
  /** The key, and whether it was sealed with a previous secret (then seal it again with the current one). */
  open(kid: string, sealed: string): Promise<{ jwk: PrivateJwk; stale: boolean }>;
}

export function createSigningKeyWrap(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): SigningKeyWrap {
  const box = createSealedBox(signingKeyWrapKeys(secret, previousSecrets));
  return {
    seal: (kid, jwk) => box.seal({ ...jwk, kid }),
    async open(kid, sealed) {
      const opened = await box.open(sealed);
      if (!opened)
        throw new TypeError(`the stored signing key ${kid} cannot be decrypted with the secret or a previous one`);
      const jwk = opened.value as PrivateJwk;
      if (jwk.kid !== kid) throw new TypeError(`the stored signing key ${kid} holds another key (${String(jwk.kid)})`);
      return { jwk, stale: opened.stale };
    },
  };
}
