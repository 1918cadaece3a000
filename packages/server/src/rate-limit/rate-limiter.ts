import { AuthError } from "@tollgate/auth";
import type { AttemptKeys, AttemptRules, AttemptStore } from "./attempt-store.js";
import { rateLimitNetwork } from "./client-network.js";

export interface SignInLimits {
  /** Checks allowed per (username, client network) per window: LOGIN_MAX_FAILURES. */
  readonly maxFailures: number;
  /** Checks allowed per client network across usernames per window. */
  readonly maxFailuresPerNetwork: number;
  /** Seconds: LOGIN_WINDOW. */
  readonly window: number;
  /** Failures of one account across networks before each attempt must wait (progressive delay). */
  readonly accountFreeAttempts: number;
  /** Seconds: the longest progressive delay. */
  readonly accountMaxDelay: number;
  /** Prefix of the counters' keys: limiters sharing a store count apart (default "signin"). */
  readonly keyPrefix?: string;
}

/** What a reserved attempt turned out to be. */
export type AttemptOutcome = "success" | "failure" | "not-checked";

export interface Attempt {
  /** Reports the outcome: success starts afresh, failure stays counted, not-checked gives the reservation back. */
  settle(outcome: AttemptOutcome): Promise<void>;
}

export interface ReserveOptions {
  /** Runs once per key and window when attempts are refused (to audit it once, not per attempt). */
  readonly onFirstRefusal?: () => Promise<void>;
  /**
   * The id of a device that signed in to this account before (its signed
   * device cookie, already verified for this account). Its attempts count on
   * (account, device) with the per-pair limit instead of the account-wide
   * delay, which therefore can never lock it out.
   */
  readonly knownDevice?: string;
  /**
   * False for guesses at unguessable tokens (reset and setup links): counted
   * per client network only, with no key shared by every user (default true).
   */
  readonly accountWide?: boolean;
}

export interface SignInLimiter {
  /**
   * Reserves one credential check for `username` from `ip`, before it runs.
   * Refused: AuthError RATE_LIMITED with retryAfter. The third argument is
   * the options, or (as before them) only `onFirstRefusal`.
   */
  reserve(username: string, ip: string, options?: ReserveOptions | (() => Promise<void>)): Promise<Attempt>;
  close(): Promise<void>;
}

export function createSignInLimiter(store: AttemptStore, limits: SignInLimits): SignInLimiter {
  const rules: AttemptRules = {
    pairLimit: limits.maxFailures,
    networkLimit: limits.maxFailuresPerNetwork,
    windowMs: limits.window * 1000,
    accountFreeAttempts: limits.accountFreeAttempts,
    accountMaxDelayMs: limits.accountMaxDelay * 1000,
  };
  const prefix = limits.keyPrefix ?? "signin";
  return {
    async reserve(username, ip, third) {
      const options: ReserveOptions = typeof third === "function" ? { onFirstRefusal: third } : (third ?? {});
      const account = username.toLowerCase();
      const network = rateLimitNetwork(ip);
      // A known device counts on (account, device) instead of (account, network), and skips the account's delay.
      const known = options.knownDevice;
      const keys: AttemptKeys = {
        pair: known === undefined ? `${prefix}:pair:${account}:${network}` : `${prefix}:device:${account}:${known}`,
        network: `${prefix}:net:${network}`,
        ...(options.accountWide === false || known !== undefined ? {} : { account: `${prefix}:account:${account}` }),
      };
      const reservation = await store.reserve(keys, rules);
      if (!reservation.allowed) {
        if (reservation.firstRefusal) await options.onFirstRefusal?.();
        const retryAfter = Math.ceil(reservation.retryAfterMs / 1000);
        throw new AuthError("RATE_LIMITED", `Too many attempts; try again in ${retryAfter} s`, { retryAfter });
      }
      return {
        async settle(outcome) {
          if (outcome === "success") await store.succeed(keys);
          else if (outcome === "not-checked") await store.release(keys);
        },
      };
    },
    close: () => store.close(),
  };
}
