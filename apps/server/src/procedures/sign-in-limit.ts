import { AuthError } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { Attempt } from "../rate-limit/rate-limiter.js";

export interface LimitedCheckOptions {
  /** The account the attempt is for (the limit counts per account and client network). */
  readonly username: string;
  /** Runs once per key and window when attempts are refused (audit it once). */
  readonly onFirstRefusal?: () => Promise<void>;
  /**
   * A sign-in (auth.login): refusals decided here, rate_limited and
   * hash_queue_full, are counted in the sign-in metric; the caller counts
   * success and failure, which it decides.
   */
  readonly signIn?: boolean;
  /**
   * Asked after a right answer: true when it was only the first of two
   * factors (a password before TOTP). Its reservation is then given back
   * rather than starting the account afresh, so failed codes stay counted
   * however often the password is given again.
   */
  readonly firstOfTwo?: () => boolean;
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
  const { signInLimiter, metrics } = ctx.services;
  const isRefusal = (error: unknown, code: "RATE_LIMITED" | "HASH_QUEUE_FULL") =>
    options.signIn && error instanceof AuthError && error.code === code;
  let attempt: Attempt;
  try {
    attempt = await signInLimiter.reserve(options.username, ctx.request.ip, options.onFirstRefusal);
  } catch (error) {
    if (isRefusal(error, "RATE_LIMITED")) metrics.signIn("rate_limited");
    throw error;
  }
  let valid: boolean;
  try {
    valid = await check();
  } catch (error) {
    if (isRefusal(error, "HASH_QUEUE_FULL")) metrics.signIn("hash_queue_full");
    // The check never finished: give the attempt back, and report the check's own failure.
    await attempt.settle("not-checked").catch(() => undefined);
    throw error;
  }
  if (!valid) await attempt.settle("failure");
  else await attempt.settle(options.firstOfTwo?.() ? "not-checked" : "success");
  return valid;
}
