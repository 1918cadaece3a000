import type { Revocations } from "@tollgate/auth";
import type { Logger } from "pino";
import type { RevocationFeed } from "./revocation-feed.js";
import type { UserChangeSink, UserChangesReader } from "./user-changes.js";

/** Contract: an ended session's access tokens are refused within 1 s; a poll every half second leaves room. */
const POLL_INTERVAL_MS = 500;
/**
 * Each poll reads from this long before the previous one started: a
 * revocation is stamped before its UPDATE commits, and the CLI's commit can
 * wait up to SQLite's busy timeout (5 s) for the server's write lock.
 */
const OVERLAP_MS = 10_000;
/** Old rows of user_changes are purged every this many polls (about a minute). */
const PURGE_EVERY_POLLS = 120;

export interface PollingFeedOptions {
  readonly revocations: Revocations;
  readonly logger: Logger;
  readonly now: () => number;
  readonly intervalMs?: number;
  /** Changed users (migration 0013's table) into the user cache, in the same poll. */
  readonly users?: { readonly reader: UserChangesReader; readonly sink: UserChangeSink } | undefined;
}

/**
 * The embedded database has no notifications, and the CLI writes to it from
 * another process: poll the sessions table (its revoked_at index) for
 * revocations since the last poll. "live" while polls succeed.
 */
export function createPollingRevocationFeed(options: PollingFeedOptions): RevocationFeed {
  const { revocations, logger, now } = options;
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  let cursor: number | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  /** The last user_changes row read; undefined after a failure: start afresh (clear, read from the newest). */
  let userSeq: number | undefined;
  let polls = 0;

  async function pollUsers(): Promise<void> {
    const users = options.users;
    if (!users) return;
    if (userSeq === undefined) {
      const latest = await users.reader.latest();
      users.sink.clear();
      userSeq = latest;
    } else {
      const { userIds, seq } = await users.reader.since(userSeq);
      if (userIds.length > 0) users.sink.invalidate(userIds);
      userSeq = seq;
    }
    if (++polls % PURGE_EVERY_POLLS === 0) await users.reader.purge();
  }

  async function poll(): Promise<void> {
    const started = now();
    try {
      if (cursor === undefined) await revocations.reload();
      else await revocations.loadSince(new Date(cursor - OVERLAP_MS));
      await pollUsers();
      cursor = started;
      if (revocations.mode !== "live") logger.debug("revocation polling live");
      revocations.setMode("live");
    } catch (err) {
      if (revocations.mode === "live") {
        logger.warn({ err }, "revocation polling failed: checking every access token's session in the database");
      }
      userSeq = undefined;
      revocations.setMode("database");
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = poll().finally(schedule);
    }, interval);
    timer.unref();
  }

  return {
    connectionName: undefined,
    carriesUserChanges: options.users !== undefined,
    async start() {
      await poll();
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
