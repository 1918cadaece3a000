import { type AttemptKeys, type AttemptRules, type AttemptStore, accountDelayMs } from "./attempt-store.js";

/** Upper bound on tracked keys, so a flood of distinct usernames or networks cannot exhaust memory. */
const DEFAULT_MAX_KEYS = 100_000;

export interface MemoryAttemptStoreOptions {
  /** Keys tracked before the least informative are evicted (default 100,000; tests lower it). */
  readonly maxKeys?: number;
}

interface Window {
  count: number;
  resetAt: number;
  /** When the last attempt was counted (the account's progressive delay counts from it). */
  lastAt: number;
  refusedOnce: boolean;
  /** Until when this key refuses attempts (0: it does not): such a key is never evicted. */
  blocksUntil: number;
}

/** How a key is limited: by a count (pair, network) or by the account's progressive delay. */
type Rule = { readonly limit: number } | { readonly delay: AttemptRules };

/**
 * Per-process attempt counts: right for one instance; use Redis for several.
 * Give each limiter a store of its own, so a flood of one kind of attempt
 * (reset requests) never competes with another's counters (sign-ins).
 */
export function createMemoryAttemptStore(
  now: () => number = Date.now,
  options: MemoryAttemptStoreOptions = {},
): AttemptStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const slack = Math.max(1, Math.floor(maxKeys / 10));
  const windows = new Map<string, Window>();
  /** The size at which the next eviction runs (see evict). */
  let evictAt = maxKeys;

  function live(key: string | undefined, t: number): Window | undefined {
    if (key === undefined) return undefined;
    const entry = windows.get(key);
    if (entry && entry.resetAt <= t) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  }

  function blocksUntil(entry: Window, rule: Rule): number {
    if ("limit" in rule) return entry.count >= rule.limit ? entry.resetAt : 0;
    const delay = accountDelayMs(entry.count, rule.delay);
    return delay > 0 ? entry.lastAt + delay : 0;
  }

  /**
   * Full: drop expired windows, then the least informative live ones (one
   * attempt, nearest expiry first), a tenth of the cap at a time so a flood
   * does not sort on every insert. A key that currently refuses attempts is
   * never dropped: evicting it would unlock what it locks. When only such
   * keys are left the map grows past the cap; each of them cost an attacker
   * a full limit's worth of counted attempts, and each leaves with its window.
   * The next eviction waits for another tenth of the cap to arrive, so a map
   * full of refusing keys is scanned once per that many inserts, never on
   * every one.
   */
  function evict(t: number): void {
    for (const [key, entry] of windows) if (entry.resetAt <= t) windows.delete(key);
    if (windows.size >= maxKeys) {
      const candidates = [...windows].filter(([, entry]) => entry.blocksUntil <= t);
      candidates.sort(([, a], [, b]) => a.count - b.count || a.resetAt - b.resetAt);
      const excess = windows.size - maxKeys + slack;
      for (const [key] of candidates.slice(0, excess)) windows.delete(key);
    }
    evictAt = Math.max(maxKeys, windows.size + slack);
  }

  function count(key: string | undefined, rule: Rule, windowMs: number, t: number): void {
    if (key === undefined) return;
    let entry = live(key, t);
    if (entry) {
      entry.count++;
      entry.lastAt = t;
    } else {
      if (windows.size >= evictAt) evict(t);
      entry = { count: 1, resetAt: t + windowMs, lastAt: t, refusedOnce: false, blocksUntil: 0 };
      windows.set(key, entry);
    }
    entry.blocksUntil = blocksUntil(entry, rule);
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
      // A known device's keys name no account: it skips the account-wide delay and is not counted on it.
      const account = keys.account;
      const accountWindow = live(account, t);
      if (accountWindow) {
        const wait = accountWindow.lastAt + accountDelayMs(accountWindow.count, rules) - t;
        if (wait > 0) return refuse(accountWindow, wait);
      }
      const pairRule = { limit: rules.pairLimit };
      count(keys.pair, pairRule, rules.windowMs, t);
      count(keys.network, { limit: rules.networkLimit }, rules.windowMs, t);
      count(account, { delay: rules }, rules.windowMs, t);
      return { allowed: true as const };
    },
    async release(keys) {
      const t = now();
      for (const key of [keys.pair, keys.network, keys.account]) {
        const entry = live(key, t);
        // blocksUntil is left as it was: at worst a given-back key is kept from eviction a little longer.
        if (entry && entry.count > 0) entry.count--;
      }
    },
    async succeed(keys) {
      windows.delete(keys.pair);
      if (keys.account !== undefined) windows.delete(keys.account);
    },
    async close() {
      windows.clear();
    },
  };
}
