import { createHmac } from "node:crypto";
import { isBase64Url, randomToken, safeEqual, sha256 } from "./encoding.js";
import { AuthError } from "./errors.js";
import { type Amr, combineAmr } from "./protocol/assurance.js";
import type { RevocationPublisher } from "./revocations.js";
import type { RevokeReason, SessionStore, StoredSession } from "./store.js";

/**
 * Sessions and their refresh tokens.
 *
 * A refresh token is `lookup.secret`: `lookup` (128 random bits) finds the
 * session and never changes; `secret` (256 bits) rotates on every refresh.
 * Only SHA-256 hashes of both are stored. The next secret is
 * HMAC(previous secret, random salt), so within the reuse grace the server can
 * hand a racing duplicate the very same successor without ever storing a
 * secret, while nobody without the salt (kept in the store) can predict it.
 * Because the lookup part only ever leaves the server inside a token, a
 * request carrying it with a stale secret proves an old token was replayed.
 */

export interface SessionOptions {
  readonly store: SessionStore;
  /** Absolute session lifetime, seconds; rotation never extends it. */
  readonly refreshTokenTtl: number;
  /** Seconds without a refresh after which the session ends. */
  readonly idleTimeout: number;
  /** Seconds during which the just-rotated token may be presented again. */
  readonly reuseGrace: number;
  /** Told the ids of the sessions that end here, once stored (so their access tokens are refused everywhere). */
  readonly publisher?: RevocationPublisher;
  readonly now?: () => number;
}

export interface SessionMeta {
  readonly userAgent?: string | null | undefined;
  readonly ip?: string | null | undefined;
  /** How the session was established: stored in the same insert as the session. */
  readonly authMethod?: string | undefined;
  /** RFC 8176 methods the sign-in proved (stored with the session; its access tokens carry them). */
  readonly amr?: readonly Amr[] | undefined;
}

export interface RefreshResult {
  readonly session: StoredSession;
  readonly refreshToken: string;
  /** True when this was a replay inside the grace that got the existing successor. */
  readonly replayed: boolean;
}

/** Ended sessions stay listed this long (a user sees e.g. a detected replay), then are purged. */
export const ENDED_SESSION_RETENTION_MS = 7 * 86_400_000;

export interface Sessions {
  create(userId: string, meta?: SessionMeta): Promise<{ session: StoredSession; refreshToken: string }>;
  /** The session a refresh token names, without changing anything (for CSRF binding before rotation). */
  identify(refreshToken: string): Promise<StoredSession>;
  /** `identified`: the session `identify` just returned for this token (saves a read). */
  refresh(refreshToken: string, identified?: StoredSession): Promise<RefreshResult>;
  /**
   * A new proof of identity on a live session (step-up): the session's amr
   * becomes the union with `amr`, its auth time now. The refresh token does
   * not rotate. SESSION_REVOKED / SESSION_EXPIRED when the session has ended.
   */
  reauthenticate(sessionId: string, amr: readonly Amr[]): Promise<StoredSession>;
  revoke(sessionId: string, reason: RevokeReason): Promise<boolean>;
  revokeAllForUser(userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number>;
  /** One session by id, live or not (callers check ownership and `isLive`). */
  get(sessionId: string): Promise<StoredSession | undefined>;
  /** Whether a session may still be refreshed now: not revoked, inside its absolute and idle lifetimes. */
  isLive(session: StoredSession): boolean;
  /** A user's live sessions and those revoked in the last ENDED_SESSION_RETENTION_MS, newest first. */
  list(userId: string): Promise<StoredSession[]>;
  /** Deletes sessions that ended more than ENDED_SESSION_RETENTION_MS ago; returns how many. */
  purgeEnded(): Promise<number>;
}

const LOOKUP_BYTES = 16;
const SECRET_BYTES = 32;
const MAX_TOKEN_LENGTH = 256;
const MAX_META_LENGTH = 512;

function deriveSecret(previousSecret: string, salt: string): string {
  return createHmac("sha256", previousSecret).update(salt).digest("base64url");
}

function parseRefreshToken(token: string): { lookup: string; secret: string } {
  if (typeof token !== "string" || token.length === 0) {
    throw new AuthError("TOKEN_MISSING", "No refresh token");
  }
  const [lookup, secret, extra] = token.length > MAX_TOKEN_LENGTH ? [] : token.split(".");
  if (!lookup || !secret || extra !== undefined || !isBase64Url(lookup) || !isBase64Url(secret)) {
    throw new AuthError("TOKEN_INVALID", "Refresh token is malformed");
  }
  return { lookup, secret };
}

/**
 * The stored lookup hash a refresh token names (what `identify` looks up),
 * for a store that reads the session together with what the caller needs
 * next in one query. TOKEN_MISSING / TOKEN_INVALID as `identify`.
 */
export function refreshTokenLookupHash(refreshToken: string): string {
  return sha256(parseRefreshToken(refreshToken).lookup);
}

function positiveSeconds(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a whole number of seconds`);
}

function clip(value: string | null | undefined): string | null {
  return value ? value.slice(0, MAX_META_LENGTH) : null;
}

export function createSessions(options: SessionOptions): Sessions {
  positiveSeconds(options.refreshTokenTtl, "refreshTokenTtl");
  positiveSeconds(options.idleTimeout, "idleTimeout");
  positiveSeconds(options.reuseGrace, "reuseGrace");
  const { store, publisher } = options;
  const clock = options.now ?? Date.now;

  /** Every way a session ends passes here, after the store committed. */
  async function ended(sessionIds: readonly string[], at: Date): Promise<void> {
    if (sessionIds.length > 0 && publisher) await publisher.publish(sessionIds, at);
  }

  async function revokeOne(sessionId: string, reason: RevokeReason, now: number): Promise<boolean> {
    const at = new Date(now);
    const revoked = await store.revoke(sessionId, reason, at);
    if (revoked) await ended([sessionId], at);
    return revoked;
  }

  const idleMs = options.idleTimeout * 1000;

  /** The one definition of a live session; undefined when live, else why not. */
  function whyEnded(session: StoredSession, now: number): AuthError | undefined {
    if (session.revokedAt !== null) return new AuthError("SESSION_REVOKED", "Session has been revoked");
    if (now >= session.expiresAt.getTime()) return new AuthError("SESSION_EXPIRED", "Session has expired");
    if (now - session.lastUsedAt.getTime() > idleMs) {
      return new AuthError("SESSION_EXPIRED", "Session has been idle too long");
    }
    return undefined;
  }

  function assertUsable(session: StoredSession, now: number): void {
    const ended = whyEnded(session, now);
    if (ended) throw ended;
  }

  async function refreshOnce(
    lookup: string,
    secret: string,
    attempt: number,
    known?: StoredSession,
  ): Promise<RefreshResult> {
    const lookupHash = sha256(lookup);
    const session = known?.lookupHash === lookupHash ? known : await store.findByLookupHash(lookupHash);
    if (!session) throw new AuthError("TOKEN_INVALID", "Unknown refresh token");
    const now = clock();
    assertUsable(session, now);
    const presented = sha256(secret);

    if (safeEqual(presented, session.currentHash)) {
      const salt = randomToken(16);
      const next = deriveSecret(secret, salt);
      const rotated = await store.rotate({
        id: session.id,
        expectedHash: session.currentHash,
        nextHash: sha256(next),
        rotationSalt: salt,
        now: new Date(now),
      });
      if (rotated) return { session: rotated, refreshToken: `${lookup}.${next}`, replayed: false };
      // Another request rotated this token first: re-read, and this request
      // becomes a replay of the predecessor (served inside the grace).
      if (attempt === 0) return refreshOnce(lookup, secret, 1);
    }

    const inGrace = now - session.rotatedAt.getTime() <= options.reuseGrace * 1000;
    if (session.previousHash && session.rotationSalt && safeEqual(presented, session.previousHash) && inGrace) {
      return {
        session,
        refreshToken: `${lookup}.${deriveSecret(secret, session.rotationSalt)}`,
        replayed: true,
      };
    }

    // An older secret of this session, or the predecessor after the grace:
    // a copy of the token is in someone else's hands. End the whole session.
    await revokeOne(session.id, "refresh_token_reused", now);
    throw new AuthError("REFRESH_REUSED", "Refresh token was already used; the session has been revoked");
  }

  return {
    async create(userId, meta = {}) {
      const lookup = randomToken(LOOKUP_BYTES);
      const secret = randomToken(SECRET_BYTES);
      const now = clock();
      const session: StoredSession = {
        id: randomToken(16),
        userId,
        lookupHash: sha256(lookup),
        currentHash: sha256(secret),
        previousHash: null,
        rotationSalt: null,
        createdAt: new Date(now),
        rotatedAt: new Date(now),
        lastUsedAt: new Date(now),
        expiresAt: new Date(now + options.refreshTokenTtl * 1000),
        revokedAt: null,
        revokedReason: null,
        userAgent: clip(meta.userAgent),
        ip: clip(meta.ip),
        authMethod: meta.authMethod ?? null,
        amr: [...(meta.amr ?? [])],
        authTime: new Date(now),
      };
      await store.insert(session);
      return { session, refreshToken: `${lookup}.${secret}` };
    },
    async identify(refreshToken) {
      const { lookup } = parseRefreshToken(refreshToken);
      const session = await store.findByLookupHash(sha256(lookup));
      if (!session) throw new AuthError("TOKEN_INVALID", "Unknown refresh token");
      return session;
    },
    async refresh(refreshToken, identified) {
      const { lookup, secret } = parseRefreshToken(refreshToken);
      return refreshOnce(lookup, secret, 0, identified);
    },
    async reauthenticate(sessionId, amr) {
      const session = await store.findById(sessionId);
      if (!session) throw new AuthError("SESSION_REVOKED", "Session has been revoked");
      const now = clock();
      assertUsable(session, now);
      const updated = await store.reauthenticate({
        id: sessionId,
        amr: combineAmr(session.amr, amr),
        authTime: new Date(now),
      });
      if (!updated) throw new AuthError("SESSION_REVOKED", "Session has been revoked");
      return updated;
    },
    revoke: (sessionId, reason) => revokeOne(sessionId, reason, clock()),
    async revokeAllForUser(userId, reason, exceptSessionId) {
      const at = new Date(clock());
      const ids = await store.revokeAllForUser(userId, reason, at, exceptSessionId);
      await ended(ids, at);
      return ids.length;
    },
    get: (sessionId) => store.findById(sessionId),
    isLive: (session) => whyEnded(session, clock()) === undefined,
    async list(userId) {
      const now = clock();
      const sessions = await store.listForUser(userId, new Date(now - ENDED_SESSION_RETENTION_MS));
      // Ended by revocation: listed for the retention; ended by time: gone from the list at once.
      return sessions.filter((s) => s.revokedAt !== null || whyEnded(s, now) === undefined);
    },
    purgeEnded() {
      const endedBefore = clock() - ENDED_SESSION_RETENTION_MS;
      return store.deleteEnded({
        endedBefore: new Date(endedBefore),
        lastUsedBefore: new Date(endedBefore - idleMs),
      });
    },
  };
}
