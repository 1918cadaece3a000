/**
 * Coordination between tabs of one origin: a Web Lock so only one tab
 * refreshes at a time, a shared "last refresh" record so tabs that waited reuse
 * it, and a BroadcastChannel so sign-out and expiry reach every tab. Where the
 * APIs are missing (Node, old browsers) everything stays in this process.
 *
 * The record travels three ways. BroadcastChannel and localStorage reach
 * another tab's process in their own time: a tab granted the refresh lock
 * right after a sibling released it may not have either yet, and would
 * refresh a second time. So the tab that refreshed also holds a Web Lock
 * named after the record (a marker) before it lets the refresh lock go; the
 * lock manager is one authority, so the next holder's `locks.query()` sees
 * that marker.
 */
import type { RefreshRecord } from "./token-timing.js";

export type TabMessage =
  | ({ type: "refreshed" } & RefreshRecord)
  | { type: "signed-out"; reason: "signed-out" | "expired" };

export interface CrossTab {
  /** Runs `fn` while holding the refresh lock (across tabs where supported). */
  withRefreshLock<T>(fn: () => Promise<T>): Promise<T>;
  /** The latest successful refresh or sign-in of any tab, if known. */
  lastRefresh(): RefreshRecord | undefined;
  /**
   * As lastRefresh, and certain to include a refresh of a tab that held the
   * refresh lock before the caller (its marker lock): call it under the lock.
   */
  settledLastRefresh?(): Promise<RefreshRecord | undefined>;
  /** For "refreshed": resolves once other tabs are certain to see it (its marker lock is held). */
  announce(message: TabMessage): void | Promise<void>;
  onMessage(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

const LOCK_NAME = "tollgate:refresh";
const STORAGE_KEY = "tollgate:last-refresh";
/** Marker locks: `tollgate:refreshed:<at>:<lifetimeMs>`, one held by the tab that refreshed last. */
const MARKER_PREFIX = "tollgate:refreshed:";

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
  query?(): Promise<{ held?: readonly { name?: string }[] }>;
}

function markerName(record: RefreshRecord): string {
  return `${MARKER_PREFIX}${record.at}:${record.lifetimeMs ?? ""}`;
}

function markerRecord(name: string | undefined): RefreshRecord | undefined {
  if (!name?.startsWith(MARKER_PREFIX)) return undefined;
  const [at, lifetimeMs] = name.slice(MARKER_PREFIX.length).split(":");
  return recordFrom({ at: Number(at), lifetimeMs: lifetimeMs ? Number(lifetimeMs) : undefined });
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

/**
 * A record another tab wrote, checked. Its time is on this machine's clock and
 * can never rightly be later than now: a later one (the clock set back since, or
 * a forged value) would make every refresh look already done, so callers clamp
 * or drop it.
 */
function recordFrom(value: unknown): RefreshRecord | undefined {
  const { at, lifetimeMs } = (value ?? {}) as Partial<Record<keyof RefreshRecord, unknown>>;
  if (typeof at !== "number" || !Number.isFinite(at)) return undefined;
  return { at, lifetimeMs: typeof lifetimeMs === "number" && lifetimeMs > 0 ? lifetimeMs : undefined };
}

function later(a: RefreshRecord | undefined, b: RefreshRecord | undefined): RefreshRecord | undefined {
  if (!a || !b) return a ?? b;
  return b.at > a.at ? b : a;
}

export function createCrossTab(channelName: string, enabled: boolean, now: () => number = Date.now): CrossTab {
  let local: RefreshRecord | undefined;
  let localLock: Promise<unknown> = Promise.resolve();
  const listeners = new Set<(message: TabMessage) => void>();
  const channel = enabled && typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(channelName) : undefined;
  const locks = enabled ? lockManager() : undefined;
  const store = enabled ? storage() : undefined;
  /** Lets go of this tab's marker lock (its newer refresh, or close). */
  let releaseMarker: (() => void) | undefined;

  /** Holds the marker of `record` (dropping this tab's older one); resolves once it is held. */
  function holdMarker(record: RefreshRecord): Promise<void> {
    if (!locks?.query) return Promise.resolve();
    return new Promise<void>((held) => {
      locks
        // ifAvailable: a sibling holding a marker of the same name already says the same.
        .request(markerName(record), { ifAvailable: true }, (lock) => {
          held();
          if (!lock) return Promise.resolve();
          releaseMarker?.();
          return new Promise<void>((release) => {
            releaseMarker = release;
          });
        })
        .catch(() => held());
    });
  }

  /** The newest marker any tab holds; none dated in the future (see readStored). */
  async function markedRefresh(): Promise<RefreshRecord | undefined> {
    try {
      const { held = [] } = (await locks?.query?.()) ?? {};
      let newest: RefreshRecord | undefined;
      for (const lock of held) {
        const record = markerRecord(lock.name);
        if (record && record.at <= now()) newest = later(newest, record);
      }
      return newest;
    } catch {
      return undefined;
    }
  }

  /**
   * Holds only times, never a token: what lets a new page or tab skip a refresh
   * another just made. One dated in the future is dropped rather than clamped:
   * read as "now" at every look, it would still make every refresh look done.
   */
  function readStored(): RefreshRecord | undefined {
    try {
      const record = recordFrom(JSON.parse(store?.getItem(STORAGE_KEY) ?? "null"));
      if (record && record.at > now()) {
        store?.removeItem(STORAGE_KEY);
        return undefined;
      }
      return record;
    } catch {
      return undefined;
    }
  }

  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data as Partial<TabMessage> | null;
      let message: TabMessage;
      if (data?.type === "refreshed") {
        const sent = recordFrom(data);
        if (!sent) return;
        // The notice says a sibling has just refreshed: never later than its arrival.
        const record = { at: Math.min(sent.at, now()), lifetimeMs: sent.lifetimeMs };
        local = later(local, record);
        message = { type: "refreshed", ...record };
      } else if (data?.type === "signed-out") {
        local = undefined;
        message = { type: "signed-out", reason: data.reason === "signed-out" ? "signed-out" : "expired" };
      } else {
        return;
      }
      for (const listener of listeners) listener(message);
    };
  }

  return {
    withRefreshLock(fn) {
      if (locks) return locks.request(LOCK_NAME, fn);
      const run = localLock.then(fn, fn);
      localLock = run.catch(() => undefined);
      return run;
    },
    lastRefresh() {
      return later(local, readStored());
    },
    async settledLastRefresh() {
      return later(later(local, readStored()), await markedRefresh());
    },
    announce(message) {
      if (message.type === "refreshed") {
        const record = { at: message.at, lifetimeMs: message.lifetimeMs };
        local = later(local, record);
        store?.setItem(STORAGE_KEY, JSON.stringify(record));
        channel?.postMessage(message);
        return holdMarker(record);
      }
      local = undefined;
      store?.removeItem(STORAGE_KEY);
      releaseMarker?.();
      releaseMarker = undefined;
      channel?.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
      releaseMarker?.();
    },
  };
}
