/** A clock a test moves by hand: token lifetimes, session expiry and rate-limit windows follow it, not the wall. */
export interface TestClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void;
}

/**
 * A clock standing at `start` (epoch ms, default: now) until `advance` moves
 * it. Give it to `startTollgate({ clock })` (or `createTollgate({ now: clock.now })`)
 * and step past an access token's lifetime without waiting for it.
 */
export function createClock(start: number = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    advance(seconds) {
      t += seconds * 1000;
    },
  };
}
