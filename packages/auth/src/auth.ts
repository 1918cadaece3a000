import { type AccessTokens, createAccessTokens } from "./access-token.js";
import { type CookiePolicy, createSessionCookies, type SameSite, type SessionCookies } from "./cookies.js";
import { type CsrfTokens, createCsrfTokens } from "./csrf.js";
import { createKeyring } from "./keyring.js";
import {
  type Argon2Params,
  createPasswordHasher,
  type PasswordHasher,
  type PasswordHasherOptions,
} from "./password.js";
import { createRevocations, type RevocationPublisher, type Revocations } from "./revocations.js";
import { createSessions, type Sessions } from "./sessions.js";
import { createSigningKeyRing, type SigningKeyRing } from "./signing-key-ring.js";
import type { AsymmetricAlgorithm, SigningKeyStore } from "./signing-key-store.js";
import type { SessionStore } from "./store.js";

export interface AuthOptions {
  /** At least 32 bytes. Signs access tokens and CSRF tokens. */
  readonly secret: string | Uint8Array;
  /** Retired secrets still accepted for verification. */
  readonly previousSecrets?: readonly (string | Uint8Array)[];
  readonly issuer: string;
  readonly audience: string;
  readonly store: SessionStore;
  /** Seconds. */
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly sessionIdleTimeout: number;
  readonly refreshReuseGrace: number;
  readonly cookies: {
    readonly secure: boolean;
    readonly domain?: string | undefined;
    readonly sameSite: SameSite;
    readonly refreshPath: string;
  };
  readonly argon2?: Argon2Params;
  /** Concurrency and queue bound of password hashing. */
  readonly passwordHashing?: PasswordHasherOptions;
  /** Told the sessions that end here, to tell the host's other instances (which add them to their `revocations`). */
  readonly revocationPublisher?: RevocationPublisher;
  readonly now?: () => number;
  /**
   * Sign access tokens with asymmetric keys from this store (generating the
   * first when it is empty) instead of HS256 keys derived from `secret`.
   */
  readonly accessTokenSigning?: { readonly algorithm: AsymmetricAlgorithm; readonly store: SigningKeyStore };
}

/** Everything the auth core offers, built once from validated options. */
export interface Auth {
  readonly accessTokens: AccessTokens;
  readonly csrf: CsrfTokens;
  readonly cookies: SessionCookies;
  readonly sessions: Sessions;
  /** Ended sessions: check every verified access token's `sid` here (`revocations.check`). */
  readonly revocations: Revocations;
  readonly passwords: PasswordHasher;
  /** The asymmetric signing keys (published as a JWKS); undefined with HS256. */
  readonly signingKeys: SigningKeyRing | undefined;
}

export async function createAuth(options: AuthOptions): Promise<Auth> {
  const keyring = await createKeyring(options.secret, options.previousSecrets);
  const policy: CookiePolicy = {
    ...options.cookies,
    accessTokenTtl: options.accessTokenTtl,
    refreshTokenTtl: options.refreshTokenTtl,
  };
  const now = options.now ?? Date.now;
  const revocations = createRevocations({ store: options.store, accessTokenTtl: options.accessTokenTtl, now });
  const publisher = options.revocationPublisher;
  const signing = options.accessTokenSigning;
  const signingKeys = signing
    ? await createSigningKeyRing({ ...signing, ttl: options.accessTokenTtl, now })
    : undefined;
  return {
    signingKeys,
    accessTokens: createAccessTokens({
      keyring,
      ...(signingKeys ? { signingKeys } : {}),
      issuer: options.issuer,
      audience: options.audience,
      ttl: options.accessTokenTtl,
      now,
    }),
    csrf: createCsrfTokens(keyring),
    cookies: createSessionCookies(policy),
    sessions: createSessions({
      store: options.store,
      refreshTokenTtl: options.refreshTokenTtl,
      idleTimeout: options.sessionIdleTimeout,
      reuseGrace: options.refreshReuseGrace,
      publisher: {
        // This instance refuses the session's tokens at once; the host's publisher tells the others.
        async publish(sessionIds, revokedAt) {
          revocations.add(sessionIds, revokedAt.getTime());
          await publisher?.publish(sessionIds, revokedAt);
        },
      },
      now,
    }),
    revocations,
    passwords: createPasswordHasher(options.argon2, options.passwordHashing),
  };
}
