import type { Context } from "../context.js";
import type { UserWithHash } from "../stores/user-store.js";
import { checkCurrentPassword } from "./current-password.js";
import { requireRecentProof } from "./step-up.js";

/**
 * The gate of Tollgate's own sensitive actions (a new email address, TOTP on
 * or off, new recovery codes, signing out everywhere): a stolen session alone
 * must not make them. Either `password` is given with the call (checked like
 * any password, under the sign-in limit: CURRENT_PASSWORD_WRONG when wrong),
 * or the session proved who the user is within STEP_UP_MAX_AGE (sign-in or
 * auth.stepUp.verify; otherwise STEP_UP_REQUIRED). A password given is a
 * proof for this call only: it does not change the session's auth time.
 */
export async function confirmSensitiveAction(
  ctx: Context,
  session: { readonly userId: string; readonly sessionId: string },
  user: UserWithHash,
  password: string | undefined,
  options: { readonly signal?: AbortSignal | undefined; readonly message?: string } = {},
): Promise<void> {
  if (password !== undefined) {
    await checkCurrentPassword(ctx, user, password, options.signal, options.message);
    return;
  }
  await requireRecentProof(ctx, session);
}
