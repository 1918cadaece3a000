import { TRPCError } from "@trpc/server";
import type { Context } from "../context.js";

/**
 * Refuses a password attempt for `username` from this client while it is over
 * the failure limits, with Retry-After. `onLimited` runs first (e.g. to audit).
 */
export async function enforceSignInLimit(
  ctx: Context,
  username: string,
  message: (seconds: number) => string,
  onLimited?: () => Promise<void>,
): Promise<void> {
  const wait = await ctx.services.loginLimiter.retryAfter(username, ctx.request.ip);
  if (wait === undefined) return;
  ctx.setHeader("Retry-After", String(wait));
  await onLimited?.();
  throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: message(wait) });
}
