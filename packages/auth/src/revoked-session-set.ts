/**
 * The ids of sessions that ended recently, kept in process memory so that an
 * access token of an ended session is refused without a database read.
 *
 * Bounded: an entry is kept only while a token of its session can still be
 * valid (`revokedAt + retainMs`, where retainMs is the access-token lifetime
 * plus clock skew), so the set holds at most the revocations of one
 * access-token lifetime. Expired entries are swept at most once a second, and
 * only when one is due.
 */
export interface RevokedSessionSet {
  /** Remembers a session that ended at `revokedAt` (epoch ms); a later time for a known id extends it. */
  add(sessionId: string, revokedAt: number): void;
  has(sessionId: string): boolean;
  /** Entries still held (after dropping those past their bound). */
  readonly size: number;
}

export interface RevokedSessionSetOptions {
  /** How long after its revocation an entry is kept, ms. */
  readonly retainMs: number;
  readonly now: () => number;
}

/** The longest interval between sweeps that a due entry can wait. */
const SWEEP_INTERVAL_MS = 1000;

export function createRevokedSessionSet(options: RevokedSessionSetOptions): RevokedSessionSet {
  const { retainMs, now } = options;
  /** Session id → epoch ms after which no token of it can be valid. */
  const until = new Map<string, number>();
  /** No entry expires before this; Infinity when empty. */
  let earliest = Number.POSITIVE_INFINITY;
  let lastSweep = Number.NEGATIVE_INFINITY;

  function sweep(at: number): void {
    if (at < earliest || at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    earliest = Number.POSITIVE_INFINITY;
    for (const [id, end] of until) {
      if (end <= at) until.delete(id);
      else if (end < earliest) earliest = end;
    }
  }

  return {
    add(sessionId, revokedAt) {
      const at = now();
      const end = revokedAt + retainMs;
      sweep(at);
      if (end <= at) return;
      const known = until.get(sessionId);
      if (known !== undefined && known >= end) return;
      until.set(sessionId, end);
      if (end < earliest) earliest = end;
    },
    has(sessionId) {
      const at = now();
      sweep(at);
      const end = until.get(sessionId);
      return end !== undefined && end > at;
    },
    get size() {
      sweep(now());
      return until.size;
    },
  };
}
