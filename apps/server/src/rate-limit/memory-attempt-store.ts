import { type AttemptKeys, type AttemptRules, type AttemptStore, accountDelayMs } from "./attempt-store.js";

/** Upper bound on tracked keys, so a flood of distinct usernames cannot exhaust memory. */
const MAX_KEYS = 100_000;

interface Window {
  count: number;
  resetAt: number;
  /** When the last attempt was counted (the account's progressive delay counts from it). */
  lastAt: number;
  refusedOnce: boolean;
}

/** Per-process attempt counts: right for one instance; use Redis for several. */
export function createMemoryAttemptStore(now: () => number = Date.now): AttemptStore {
  const windows = new Map<string, Window>();

  function live(key: string, t: number): Window | undefined {
    const entry = windows.get(key);
    if (entry && entry.resetAt <= t) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep(t: number): void {
    for (const [key, entry] of windows) if (entry.resetAt <= t) windows.delete(key);
    // Still full of live windows: drop the oldest entries (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < MAX_KEYS) break;
      windows.delete(key);
    }
  }

  function count(key: string, windowMs: number, t: number): void {
    const entry = live(key, t);
    if (entry) {
      entry.count++;
      entry.lastAt = t;
      return;
    }
    if (windows.size >= MAX_KEYS) sweep(t);
    windows.set(key, { count: 1, resetAt: t + windowMs, lastAt: t, refusedOnce: false });
  }

  function refuse(entry: Window, retryAfterMs: number) {
    const firstRefusal = !entry.refusedOnce;
    entry.refusedOnce = true;
    return { allowed: false as const, retryAfterMs: Math.max(1, retryAfterMs), firstRefusal };
  }

  return {
    // Synchronous from check to count: atomic within this process.
    async reserve(keys: AttemptKeys, rules: AttemptRules) {
      const t = now();
      const pair = live(keys.pair, t);
      if (pair && pair.count >= rules.pairLimit) return refuse(pair, pair.resetAt - t);
      const network = live(keys.network, t);
      if (network && network.count >= rules.networkLimit) return refuse(network, network.resetAt - t);
      const account = live(keys.account, t);
      if (account) {
        const wait = account.lastAt + accountDelayMs(account.count, rules) - t;
        if (wait > 0) return refuse(account, wait);
      }
      count(keys.pair, rules.windowMs, t);
      count(keys.network, rules.windowMs, t);
      count(keys.account, rules.windowMs, t);
      return { allowed: true as const };
    },
    async release(keys) {
      const t = now();
      for (const key of [keys.pair, keys.network, keys.account]) {
        const entry = live(key, t);
        if (entry && entry.count > 0) entry.count--;
      }
    },
    async succeed(keys) {
      windows.delete(keys.pair);
      windows.delete(keys.account);
    },
    async close() {
      windows.clear();
    },
  };
}
