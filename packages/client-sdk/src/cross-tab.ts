/**
 * Coordination between tabs of one origin: a Web Lock so only one tab
 * refreshes at a time, a shared "last refresh" record so tabs that waited reuse
 * it, and a BroadcastChannel so sign-out and expiry reach every tab. Where the
 * APIs are missing (Node, old browsers) everything stays in this process.
 */

export type TabMessage =
  | { type: "refreshed"; at: number; accessTokenExpiresAt: number | undefined }
  | { type: "signed-out"; reason: "signed-out" | "expired" };

export interface CrossTab {
  /** Runs `fn` while holding the refresh lock (across tabs where supported). */
  withRefreshLock<T>(fn: () => Promise<T>): Promise<T>;
  /** When any tab last refreshed successfully (epoch ms), 0 if unknown. */
  lastRefreshAt(): number;
  /** The access token expiry (epoch ms) the last refresh or sign-in reported, if still known. */
  lastAccessTokenExpiry(): number | undefined;
  announce(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

const LOCK_NAME = "tollgate:refresh";
const STORAGE_KEY = "tollgate:last-refresh";

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function lockManager(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

function storage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return undefined; // storage disabled (privacy mode)
  }
}

interface StoredRefresh {
  at: number;
  accessTokenExpiresAt?: number;
}

export function createCrossTab(channelName: string, enabled: boolean): CrossTab {
  let localLastRefresh = 0;
  let localExpiry: number | undefined;
  let localLock: Promise<unknown> = Promise.resolve();
  const listeners = new Set<(message: TabMessage) => void>();
  const channel = enabled && typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(channelName) : undefined;
  const locks = enabled ? lockManager() : undefined;
  const store = enabled ? storage() : undefined;

  /** Holds only times, never a token: what lets a new page or tab skip a refresh another just made. */
  function readStored(): StoredRefresh | undefined {
    try {
      const value = JSON.parse(store?.getItem(STORAGE_KEY) ?? "null") as Partial<StoredRefresh> | null;
      if (typeof value?.at !== "number") return undefined;
      return typeof value.accessTokenExpiresAt === "number"
        ? { at: value.at, accessTokenExpiresAt: value.accessTokenExpiresAt }
        : { at: value.at };
    } catch {
      return undefined;
    }
  }

  if (channel) {
    channel.onmessage = (event: MessageEvent<TabMessage>) => {
      if (event.data?.type === "refreshed") {
        localLastRefresh = Math.max(localLastRefresh, event.data.at);
        localExpiry = event.data.accessTokenExpiresAt;
      }
      for (const listener of listeners) listener(event.data);
    };
  }

  return {
    withRefreshLock(fn) {
      if (locks) return locks.request(LOCK_NAME, fn);
      const run = localLock.then(fn, fn);
      localLock = run.catch(() => undefined);
      return run;
    },
    lastRefreshAt() {
      return Math.max(localLastRefresh, readStored()?.at ?? 0);
    },
    lastAccessTokenExpiry() {
      return localExpiry ?? readStored()?.accessTokenExpiresAt;
    },
    announce(message) {
      if (message.type === "refreshed") {
        localLastRefresh = Math.max(localLastRefresh, message.at);
        localExpiry = message.accessTokenExpiresAt;
        store?.setItem(
          STORAGE_KEY,
          JSON.stringify({ at: message.at, accessTokenExpiresAt: message.accessTokenExpiresAt }),
        );
      } else {
        localExpiry = undefined;
        store?.removeItem(STORAGE_KEY);
      }
      channel?.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
    },
  };
}
