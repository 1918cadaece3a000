import type { CrossTab } from "./cross-tab.js";
import { isUnauthorized } from "./errors.js";

export type SessionEndReason = "expired" | "signed-out";

export interface RefresherOptions {
  /** Calls auth.refresh; resolves with the new access token expiry (epoch ms). */
  readonly refresh: () => Promise<{ accessTokenExpiresAt: number }>;
  readonly crossTab: CrossTab;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** Refresh this long before the access token expires; false: only on 401. */
  readonly proactiveLeadMs: number | false;
  readonly now: () => number;
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
  signedIn(accessTokenExpiresAt: number): void;
  /** This tab signed out: other tabs are told; this one's onSessionEnded does not run. */
  signedOut(reason: SessionEndReason): void;
  close(): void;
}

export function createRefresher(options: RefresherOptions): Refresher {
  const { crossTab, now } = options;
  let inflight: Promise<boolean> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** After a failed refresh nothing is retried until the next sign-in: no refresh loops. */
  let ended = false;

  function schedule(accessTokenExpiresAt: number | undefined): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (options.proactiveLeadMs === false || accessTokenExpiresAt === undefined) return;
    const scheduledAt = now();
    const delay = Math.max(0, accessTokenExpiresAt - options.proactiveLeadMs - scheduledAt);
    timer = setTimeout(() => {
      timer = undefined;
      void api.refresh(scheduledAt).catch(() => undefined);
    }, delay);
    // In Node, a pending proactive refresh must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  }

  /**
   * The session is over. `notify`: run onSessionEnded here (a refused refresh,
   * or another tab's sign-out); a tab that signed out itself already knows.
   */
  function end(reason: SessionEndReason, announce: boolean, notify: boolean): void {
    schedule(undefined);
    if (ended) return;
    ended = true;
    if (announce) crossTab.announce({ type: "signed-out", reason });
    if (notify) options.onSessionEnded(reason);
  }

  const unsubscribe = crossTab.onMessage((message) => {
    if (message.type === "refreshed") {
      ended = false;
      schedule(message.accessTokenExpiresAt);
    } else {
      end(message.reason, false, true);
    }
  });

  async function refreshUnderLock(since: number): Promise<boolean> {
    return crossTab.withRefreshLock(async () => {
      // Another tab (or an earlier call here) refreshed after this call was sent.
      if (crossTab.lastRefreshAt() > since) return true;
      try {
        const { accessTokenExpiresAt } = await options.refresh();
        crossTab.announce({ type: "refreshed", at: now(), accessTokenExpiresAt });
        schedule(accessTokenExpiresAt);
        return true;
      } catch (error) {
        // The server said no: the session is over. A network failure is not an expiry.
        if (isUnauthorized(error)) end("expired", true, true);
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
    signedIn(accessTokenExpiresAt) {
      ended = false;
      crossTab.announce({ type: "refreshed", at: now(), accessTokenExpiresAt });
      schedule(accessTokenExpiresAt);
    },
    signedOut(reason) {
      end(reason, true, false);
    },
    close() {
      schedule(undefined);
      unsubscribe();
    },
  };

  // A new page of a signed-in user: keep refreshing ahead of expiry as the last tab did.
  const knownExpiry = crossTab.lastAccessTokenExpiry();
  if (knownExpiry !== undefined && knownExpiry > now()) schedule(knownExpiry);
  return api;
}
