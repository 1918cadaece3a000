import { AuthError } from "./errors.js";
import { createRevokedSessionSet } from "./revoked-session-set.js";
import type { SessionStore } from "./store.js";

/**
 * Access tokens of ended sessions.
 *
 * An access token is verified without the database, so a session that ends
 * (sign-out, revocation, password change, refresh-token replay) must be
 * refused some other way: every instance keeps the ids of recently ended
 * sessions in memory (RevokedSessionSet) and consults it after verifying a
 * token, cached verifications included. The host fills the set: its own
 * revocations at once (through Sessions), other instances' through a channel
 * (the server: PostgreSQL LISTEN/NOTIFY, or polling the embedded database),
 * and on start and every reconnect from the store (`reload`).
 *
 * While the channel is down the set may miss revocations: the mode is then
 * "database" and every check reads the session from the store (fail safe).
 * A new Revocations starts in that mode; the host switches to "live" once its
 * channel is up and the set reloaded.
 */

/** Told the ids of sessions that just ended (after the store committed), to tell other instances. */
export interface RevocationPublisher {
  publish(sessionIds: readonly string[], revokedAt: Date): Promise<void>;
}

/** "live": the in-memory set is complete; "database": it may not be, so each check reads the session. */
export type RevocationMode = "live" | "database";

/** Instances of one deployment may disagree on the time by this much (as access tokens allow). */
export const REVOCATION_CLOCK_SKEW_MS = 5_000;

export interface Revocations {
  readonly mode: RevocationMode;
  setMode(mode: RevocationMode): void;
  /**
   * Throws AuthError SESSION_REVOKED when the session has ended. Live: a
   * memory lookup, nothing returned. Database mode: a promise (one session read).
   */
  check(sessionId: string): Promise<void> | undefined;
  /** Records ended sessions (default time: now). */
  add(sessionIds: Iterable<string>, revokedAt?: number): void;
  /** Loads every session revoked within the last `retainMs` from the store; returns how many. */
  reload(): Promise<number>;
  /** Loads the sessions revoked after `since`; returns how many. */
  loadSince(since: Date): Promise<number>;
  /** Ended sessions held in memory. */
  readonly size: number;
  /** How long a revocation matters, ms: the access-token lifetime plus clock skew. */
  readonly retainMs: number;
}

export interface RevocationsOptions {
  readonly store: SessionStore;
  /** Access-token lifetime, seconds. */
  readonly accessTokenTtl: number;
  readonly now?: () => number;
}

function revoked(): AuthError {
  return new AuthError("SESSION_REVOKED", "Session has been revoked");
}

export function createRevocations(options: RevocationsOptions): Revocations {
  const { store } = options;
  const now = options.now ?? Date.now;
  const retainMs = options.accessTokenTtl * 1000 + REVOCATION_CLOCK_SKEW_MS;
  const ended = createRevokedSessionSet({ retainMs, now });
  let mode: RevocationMode = "database";

  async function checkStored(sessionId: string): Promise<void> {
    const session = await store.findById(sessionId);
    if (session && session.revokedAt === null) return;
    if (session?.revokedAt) ended.add(sessionId, session.revokedAt.getTime());
    // Unknown: deleted with its user, or purged long after it ended.
    throw revoked();
  }

  async function loadSince(since: Date): Promise<number> {
    const rows = await store.revokedSince(since);
    for (const row of rows) ended.add(row.id, row.revokedAt.getTime());
    return rows.length;
  }

  return {
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
    },
    check(sessionId) {
      if (ended.has(sessionId)) throw revoked();
      return mode === "live" ? undefined : checkStored(sessionId);
    },
    add(sessionIds, revokedAt = now()) {
      for (const id of sessionIds) ended.add(id, revokedAt);
    },
    reload: () => loadSince(new Date(now() - retainMs)),
    loadSince,
    get size() {
      return ended.size;
    },
    retainMs,
  };
}
