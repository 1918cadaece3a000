import { signInFlowKeys } from "./keyring.js";
import { createSealedBox } from "./sealed-box.js";

/**
 * The browser's half of a sign-in at another provider (OpenID Connect): the
 * `state`, `nonce` and PKCE verifier travel in a short-lived HttpOnly cookie,
 * sealed (JWE, `dir` + A256GCM, jose) under a key derived from AUTH_SECRET
 * with a label of its own. Sealed, not only signed: the PKCE verifier must
 * stay secret even from someone who reads the cookie off the wire or a log.
 * The expiry is inside the authenticated plaintext, so an old cookie cannot
 * be given a new life.
 */
export interface SignInFlowSeal {
  /** Seals `value` until `expiresAt` (epoch ms). */
  seal(value: Readonly<Record<string, unknown>>, expiresAt: number): Promise<string>;
  /** The value, or undefined when no key opens it, it was tampered with, or it expired by `now` (epoch ms). */
  open(sealed: string, now: number): Promise<Readonly<Record<string, unknown>> | undefined>;
}

/** A sealed cookie longer than this is not one Tollgate made; it is refused before any decryption. */
const MAX_SEALED_LENGTH = 2048;

export function createSignInFlowSeal(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): SignInFlowSeal {
  const box = createSealedBox(signInFlowKeys(secret, previousSecrets));
  return {
    seal: (value, expiresAt) => box.seal({ value, expiresAt }),
    async open(sealed, now) {
      if (sealed.length > MAX_SEALED_LENGTH) return undefined;
      const opened = await box.open(sealed);
      const content = opened?.value as { value?: unknown; expiresAt?: unknown } | undefined;
      if (!content || typeof content.expiresAt !== "number" || content.expiresAt <= now) return undefined;
      if (typeof content.value !== "object" || content.value === null) return undefined;
      return content.value as Readonly<Record<string, unknown>>;
    },
  };
}
