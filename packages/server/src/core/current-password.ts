import { AuthError } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { UserWithHash } from "../stores/user-store.js";
import { limitedCheck } from "./sign-in-limit.js";

/**
 * The signed-in user's current password, under the sign-in limit, before a
 * sensitive change (a stolen session alone cannot make it). Wrong:
 * CURRENT_PASSWORD_WRONG, a 400, never a 401: the caller is signed in, and a
 * client must not refresh and retry it.
 */
export async function checkCurrentPassword(
  ctx: Context,
  user: UserWithHash,
  given: string,
  signal?: AbortSignal,
  message = "The password is wrong",
): Promise<void> {
  const valid = await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
    const check = await ctx.services.auth.passwords.verify(given, user.passwordHash, { signal });
    return check.valid;
  });
  if (!valid) throw new AuthError("CURRENT_PASSWORD_WRONG", message);
}
