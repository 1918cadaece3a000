import type { FailureCounter } from "./rate-limiter.js";

/** Upper bound on tracked keys, so a flood of distinct usernames cannot exhaust memory. */
const MAX_KEYS = 100_000;

/** Per-process counters: right for one instance; use Redis for several. */
export function createMemoryCounter(now: () => number = Date.now): FailureCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function live(key: string) {
    const entry = windows.get(key);
    if (entry && entry.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep() {
    const t = now();
    for (const [key, entry] of windows) if (entry.resetAt <= t) windows.delete(key);
    // Still full of live windows: drop the oldest entries (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < MAX_KEYS) break;
      windows.delete(key);
    }
  }

  return {
    async get(key) {
      const entry = live(key);
      return entry ? { count: entry.count, resetInMs: entry.resetAt - now() } : { count: 0, resetInMs: 0 };
    },
    async increment(key, windowMs) {
      const entry = live(key);
      if (entry) {
        entry.count++;
        return;
      }
      if (windows.size >= MAX_KEYS) sweep();
      windows.set(key, { count: 1, resetAt: now() + windowMs });
    },
    async reset(key) {
      windows.delete(key);
    },
    async close() {
      windows.clear();
    },
  };
}
