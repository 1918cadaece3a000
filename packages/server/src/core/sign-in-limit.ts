import { AuthError } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { Attempt } from "../rate-limit/rate-limiter.js";
import { signedDevices } from "./known-device.js";

export interface LimitedCheckOptions {
  /**
   * The account the attempt is for: the limit counts per (this name, client
   * network), per client network, and per this name across networks. A
   * host app's own check may use any name of its own (the counts are shared
   * with Tollgate's sign-ins when it is a username).
   */
  readonly username: string;
  /**
   * The id of the user `username` names, when the caller knows it (or a
   * function finding it). Only needed to recognise a known device: when the
   * request carries a signed device cookie and this is omitted, `username`
   * is looked up as a Tollgate username.
   */
  readonly userId?: string | (() => Promise<string | undefined>);
  /**
   * For guesses at unguessable tokens (reset and setup links of 256 bits):
   * counted per client network only, never on a key every user shares.
   */
  readonly networkOnly?: boolean;
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
 * The device id to count this attempt on when the request carries a device
 * cookie signed for the account; undefined (an unknown device) otherwise.
 * Without a signed cookie nothing is looked up.
 */
async function knownDevice(ctx: Context, options: LimitedCheckOptions): Promise<string | undefined> {
  if (options.networkOnly) return undefined;
  const devices = signedDevices(ctx);
  if (devices.length === 0) return undefined;
  const { userId } = options;
  const id =
    typeof userId === "function"
      ? await userId()
      : (userId ?? (await ctx.services.users.findByUsername(options.username))?.id);
  return id === undefined ? undefined : devices.find((device) => device.userId === id)?.deviceId;
}

/**
 * Runs one password (or code) check under the sign-in limit: the attempt is
 * reserved before `check` runs, so however attempts arrive (parallel,
 * batched, pipelined) no more checks run than the limit allows. A right
 * answer starts the account afresh, a wrong one stays counted, and a check
 * that never happened (an outage, a full hash queue, the client left) is
 * given back. Refused: AuthError RATE_LIMITED with Retry-After. A request
 * from a known device of the account skips the account-wide delay (see
 * known-device.ts). Host apps use it for their own password, PIN or code
 * checks (exported by `@tollgate/server`, and as `tollgate.limitedCheck`).
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
    const device = await knownDevice(ctx, options);
    attempt = await signInLimiter.reserve({
      subject: options.username,
      network: ctx.request.ip,
      onFirstRefusal: options.onFirstRefusal,
      knownDevice: device,
      accountWide: options.networkOnly !== true,
    });
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
