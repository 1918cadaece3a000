import { AuthError } from "@tollgate/auth";
import type { AttemptKeys, AttemptRules, AttemptStore } from "./attempt-store.js";
import { rateLimitNetwork } from "./client-network.js";

/** The limits of one AttemptLimiter (sign-ins, reset requests, quotas each have their own). */
export interface AttemptLimits {
  /** Checks allowed per (subject, client network) per window: LOGIN_MAX_FAILURES for sign-ins. */
  readonly maxFailures: number;
  /** Checks allowed per client network across subjects per window. */
  readonly maxFailuresPerNetwork: number;
  /** Seconds: LOGIN_WINDOW. */
  readonly window: number;
  /** Failures of one subject across networks before each attempt must wait (progressive delay). */
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

export interface ReserveRequest {
  /** What is attempted on: an account's username, an address, a link's fixed key. Compared ignoring case. */
  readonly subject: string;
  /** The client's IP address; counted per its network (an IPv4 address, an IPv6 /64). */
  readonly network: string;
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

/**
 * Counts attempts before they run: credential checks (the sign-in limit), and
 * anything else worth limiting per subject and client network (reset
 * requests, mail quotas).
 */
export interface AttemptLimiter {
  /** Reserves one attempt before it runs. Refused: AuthError RATE_LIMITED with retryAfter. */
  reserve(request: ReserveRequest): Promise<Attempt>;
  close(): Promise<void>;
}

export function createAttemptLimiter(store: AttemptStore, limits: AttemptLimits): AttemptLimiter {
  const rules: AttemptRules = {
    pairLimit: limits.maxFailures,
    networkLimit: limits.maxFailuresPerNetwork,
    windowMs: limits.window * 1000,
    accountFreeAttempts: limits.accountFreeAttempts,
    accountMaxDelayMs: limits.accountMaxDelay * 1000,
  };
  const prefix = limits.keyPrefix ?? "signin";
  return {
    async reserve(options) {
      const account = options.subject.toLowerCase();
      const network = rateLimitNetwork(options.network);
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
