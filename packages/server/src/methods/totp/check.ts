import type { Context } from "../../context.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import type { UserWithHash } from "../../stores/user-store.js";
import { matchingStep } from "./codes.js";
import { underCodeCap } from "./lockout.js";
import { totpState } from "./state.js";

/** The user's TOTP secret, decrypted (re-encrypted when sealed under a previous AUTH_SECRET). */
async function openSecret(ctx: Context, userId: string, sealed: string): Promise<string> {
  const { store, secrets } = totpState(ctx.services);
  const { secret, stale } = await secrets.open(userId, sealed);
  if (stale) await store.resealTotp(userId, await secrets.seal(userId, secret));
  return secret;
}

/**
 * Checks a TOTP code under the sign-in limit. With `record` (TOTP on), the
 * code's step is stored inside the check, so a replayed code counts as a
 * failure, and the check counts against the account's cap of consecutive
 * wrong codes (underCodeCap). Confirm (TOTP not on yet, the secret just shown
 * to this session) records the step when it turns TOTP on and is not capped:
 * nothing is protected by a factor that is not on.
 */
export async function checkTotp(
  ctx: Context,
  user: UserWithHash,
  sealed: string,
  input: string,
  record: boolean,
): Promise<number | undefined> {
  let step: number | undefined;
  const valid = await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
    const checkCode = async () => {
      step = matchingStep(ctx, await openSecret(ctx, user.id, sealed), input);
      if (step === undefined) return false;
      return !record || (await totpState(ctx.services).store.acceptStep(user.id, step));
    };
    return record ? underCodeCap(ctx, user, checkCode) : checkCode();
  });
  return valid ? step : undefined;
}
