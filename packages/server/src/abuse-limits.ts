import { AuthError } from "@tollgate/auth";
import type { AttemptStore } from "./rate-limit/attempt-store.js";
import { type AttemptLimiter, createAttemptLimiter } from "./rate-limit/rate-limiter.js";

/**
 * Hourly and daily quotas for things that send mail (mails per recipient,
 * address changes per account, sign-ups per client network). Built on the
 * sign-in limiter's atomic attempt stores (memory, or Redis shared by every
 * instance): each quota is a limiter whose "pair" key is the counted thing,
 * every attempt counted at once and never given back once allowed.
 */
export interface Quota {
  /**
   * Counts one use of `key` from `ip` (the client network matters only for
   * quotas counted per network). Refused: nothing is counted and the answer
   * says how long to wait.
   */
  take(key: string, ip?: string): Promise<{ readonly allowed: true } | { readonly allowed: false; retryAfter: number }>;
}

export interface QuotaRules {
  /** Distinct from every other limiter's prefix on the same store. */
  readonly keyPrefix: string;
  readonly perHour: number;
  readonly perDay: number;
}

/** A quota counted apart for each key (and client network, when one is given). */
const ANY_NETWORK = "0.0.0.0";
/** The per-network and per-account rules of the sign-in limiter play no part in a quota. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function windowLimiter(store: AttemptStore, keyPrefix: string, limit: number, seconds: number): AttemptLimiter {
  return createAttemptLimiter(store, {
    keyPrefix,
    maxFailures: limit,
    maxFailuresPerNetwork: UNBOUNDED,
    window: seconds,
    accountFreeAttempts: UNBOUNDED,
    accountMaxDelay: 0,
  });
}

export function createQuota(store: AttemptStore, rules: QuotaRules): Quota {
  const hourly = windowLimiter(store, `${rules.keyPrefix}-hour`, rules.perHour, 3_600);
  const daily = windowLimiter(store, `${rules.keyPrefix}-day`, rules.perDay, 86_400);
  const refusal = (error: unknown) => {
    if (error instanceof AuthError && error.code === "RATE_LIMITED") {
      return { allowed: false as const, retryAfter: Number(error.retryAfter ?? 1) };
    }
    throw error;
  };
  return {
    async take(key, ip = ANY_NETWORK) {
      let hour: Awaited<ReturnType<AttemptLimiter["reserve"]>>;
      try {
        hour = await hourly.reserve({ subject: key, network: ip });
      } catch (error) {
        return refusal(error);
      }
      try {
        await daily.reserve({ subject: key, network: ip });
      } catch (error) {
        // Over the daily quota: this use did not happen, so the hour gives it back.
        await hour.settle("not-checked");
        return refusal(error);
      }
      return { allowed: true as const };
    },
  };
}

/** A refused quota as the caller's error: RATE_LIMITED with Retry-After. */
export function quotaExceeded(retryAfter: number, what: string): AuthError {
  return new AuthError("RATE_LIMITED", `Too many ${what}; try again in ${retryAfter} s`, { retryAfter });
}
