import type { CrossTab } from "./cross-tab.js";
import { isTransientFailure, isUnauthorized } from "./errors.js";
import { type Grant, type RefreshRecord, recordOf, refreshDelay } from "./token-timing.js";

export type SessionEndReason = "expired" | "signed-out";

/** What the refresher waits with: the proactive refresh, retries of a lost answer, the back-off. */
export interface RefreshTimers {
  /** Returns a handle for clearTimeout (not undefined). */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers, looked up at each call (so fake timers installed later are used). */
const globalTimers: RefreshTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RefresherOptions {
  /** Calls auth.refresh; resolves with its answer's expiry and Date header. */
  readonly refresh: () => Promise<Grant>;
  readonly crossTab: CrossTab;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** Refresh this long before the access token expires; false: only on 401. */
  readonly proactiveLeadMs: number | false;
  readonly now: () => number;
  /** Default: setTimeout and clearTimeout. */
  readonly timers?: RefreshTimers;
}

/**
 * One refresh at a time, shared: every call that fails while a refresh is in
 * flight waits for that same refresh (and, across tabs, for another tab's).
 */
export interface Refresher {
  /**
   * Makes sure the session was refreshed after `since` (epoch ms): reuses a
   * refresh in flight or one another tab made meanwhile, else refreshes.
   * Resolves true when the caller may retry.
   */
  refresh(since: number): Promise<boolean>;
  /** A sign-in (or a refresh made outside this refresher) answered with this grant. */
  signedIn(grant: Grant): void;
  /** This tab signed out: other tabs are told; this one's onSessionEnded does not run. */
  signedOut(reason: SessionEndReason): void;
  close(): void;
}

/**
 * A refresh that got no answer is sent again after these waits. Its rotation may
 * have committed with only the answer lost: the server takes the just-rotated
 * token again within REFRESH_REUSE_GRACE (10 s by default), so every retry
 * happens within a few seconds.
 */
const RETRY_DELAYS_MS = [250, 1_000];
/** After a refresh that failed without ending the session (network, 5xx, 403…): again after 5 s, doubling up to 5 min. */
const BACKOFF_FIRST_MS = 5_000;
const BACKOFF_MAX_MS = 300_000;
/** setTimeout fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

export function createRefresher(options: RefresherOptions): Refresher {
  const { crossTab, now, proactiveLeadMs: leadMs } = options;
  const timers = options.timers ?? globalTimers;
  let inflight: Promise<boolean> | undefined;
  let timer: unknown;
  /** After a refused refresh nothing is retried until the next sign-in: no refresh loops. */
  let ended = false;
  /** Proactive refreshes failed in a row (for the back-off). */
  let failures = 0;

  function clearTimer(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  /** Refreshes in `delay` ms unless some tab refreshes after `since` first. */
  function refreshIn(delay: number, since: number): void {
    clearTimer();
    if (leadMs === false) return;
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        void api.refresh(since);
      },
      Math.min(Math.max(0, delay), MAX_TIMER_MS),
    );
    // In Node, a pending proactive refresh must not keep the process alive.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  }

  /** Schedules the next proactive refresh from the lifetime the server gave, counted from the answer's arrival. */
  function scheduleAfter(record: RefreshRecord | undefined): void {
    clearTimer();
    if (leadMs === false || record?.lifetimeMs === undefined) return;
    refreshIn(record.at + refreshDelay(record.lifetimeMs, leadMs) - now(), record.at);
  }

  /** Resolves once other tabs are certain to see this refresh (see cross-tab.ts). */
  async function accepted(grant: Grant): Promise<void> {
    ended = false;
    failures = 0;
    const record = recordOf(grant, now());
    const announced = crossTab.announce({ type: "refreshed", ...record });
    scheduleAfter(record);
    await announced;
  }

  /**
   * The session is over. `notify`: run onSessionEnded here (a refused refresh,
   * or another tab's sign-out); a tab that signed out itself already knows.
   */
  function end(reason: SessionEndReason, announce: boolean, notify: boolean): void {
    clearTimer();
    if (ended) return;
    ended = true;
    if (announce) crossTab.announce({ type: "signed-out", reason });
    if (notify) options.onSessionEnded(reason);
  }

  const unsubscribe = crossTab.onMessage((message) => {
    if (message.type === "refreshed") {
      ended = false;
      failures = 0;
      scheduleAfter(message);
    } else {
      end(message.reason, false, true);
    }
  });

  /** auth.refresh, sent again (twice at most) when it got no answer or a 5xx; a 4xx is final. */
  async function refreshWithRetries(attempt = 0): Promise<Grant> {
    try {
      return await options.refresh();
    } catch (error) {
      const wait = RETRY_DELAYS_MS[attempt];
      if (wait === undefined || !isTransientFailure(error)) throw error;
      await new Promise<void>((resolve) => timers.setTimeout(resolve, wait));
      return refreshWithRetries(attempt + 1);
    }
  }

  async function refreshUnderLock(since: number): Promise<boolean> {
    return crossTab.withRefreshLock(async () => {
      // Another tab (or an earlier call here) refreshed after this call was sent.
      const last = (await crossTab.settledLastRefresh?.()) ?? crossTab.lastRefresh();
      if (last && last.at > since) {
        scheduleAfter(last);
        return true;
      }
      try {
        // Announced before the lock is let go: the next tab to take it sees this refresh.
        await accepted(await refreshWithRetries());
        return true;
      } catch (error) {
        // The server said no: the session is over. A network failure is not an expiry.
        if (isUnauthorized(error)) {
          end("expired", true, true);
        } else {
          failures++;
          refreshIn(Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS), now());
        }
        return false;
      }
    });
  }

  const api: Refresher = {
    refresh(since) {
      if (ended) return Promise.resolve(false);
      inflight ??= refreshUnderLock(since).finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    signedIn(grant) {
      void accepted(grant);
    },
    signedOut(reason) {
      end(reason, true, false);
    },
    close() {
      clearTimer();
      unsubscribe();
    },
  };

  // A new page of a signed-in user: keep refreshing ahead of expiry as the last tab did.
  const known = crossTab.lastRefresh();
  if (known?.lifetimeMs !== undefined && known.at + known.lifetimeMs > now()) scheduleAfter(known);
  return api;
}
