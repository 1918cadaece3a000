import type { Context } from "../context.js";

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
  let valid: boolean;
  try {
    valid = await check();
  } catch (error) {
    // The check never finished: give the attempt back, and report the check's own failure.
    await attempt.settle("not-checked").catch(() => undefined);
    throw error;
  }
  await attempt.settle(valid ? "success" : "failure");
  return valid;
}
