import type { Context } from "../context.js";
import type { AttemptOutcome } from "../rate-limit/rate-limiter.js";

export interface LimitedCheckOptions {
  /** The account the attempt is for (the limit counts per account and client network). */
  readonly username: string;
  /** Runs once per key and window when attempts are refused (audit it once). */
  readonly onFirstRefusal?: () => Promise<void>;
}

/**
 * Runs one password (or code) check under the sign-in limit: the attempt is
 * reserved before `check` runs, so however attempts arrive (parallel,
 * batched, pipelined) no more checks run than the limit allows. A right
 * answer starts the account afresh, a wrong one stays counted, and a check
 * that never happened (an outage, a full hash queue, the client left) is
 * given back. Refused: AuthError RATE_LIMITED with Retry-After.
 */
export async function limitedCheck(
  ctx: Context,
  options: LimitedCheckOptions,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const attempt = await ctx.services.signInLimiter.reserve(options.username, ctx.request.ip, options.onFirstRefusal);
  let outcome: AttemptOutcome = "not-checked";
  try {
    const valid = await check();
    outcome = valid ? "success" : "failure";
    return valid;
  } catch (error) {
    // The check's own failure is the one to report, not a failure to give the reservation back.
    await attempt.settle(outcome).catch(() => undefined);
    throw error;
  } finally {
    if (outcome !== "not-checked") await attempt.settle(outcome);
  }
}
