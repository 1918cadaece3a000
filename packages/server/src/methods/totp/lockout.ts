import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { accountLink } from "../../core/mail-links.js";
import { accountName, mfaLockedAgainMail, mfaLockedMail } from "../../mail/templates.js";
import type { User } from "../../stores/user-store.js";
import { totpState } from "./state.js";

/**
 * Consecutive wrong TOTP codes an account takes before its factor locks.
 * The sign-in limit slows guessing but its windows refill (about 4,000 codes
 * a day from a few networks); this count never decays with time, so with the
 * password known an attacker gets 10 guesses in 10^6 codes (±1 step: 3·10^-5)
 * for as long as the user does nothing, and the user is told at once.
 */
export const MFA_MAX_FAILED_CODES = 10;

/**
 * After the mailed link unlocked the factor, a lock within this long mails no
 * new link: only a recovery code or an operator (user:mfa-reset) clears it.
 * With the mailbox alone (a reset link gives the password) an attacker so
 * gets two caps of guesses, not ten more after every link.
 */
export const MFA_LINK_UNLOCK_COOLDOWN_MS = 24 * 3_600_000;

/**
 * Runs one TOTP code check under the account's cap. The check is reserved in
 * the database before it runs (one UPDATE … WHERE failed_codes < cap), so
 * parallel requests and other instances cannot check more codes than the cap.
 * A right code starts the count afresh; the wrong code that reaches the cap
 * locks the factor (audited, mailed once). Locked: MFA_LOCKED, whatever the code.
 */
export async function underCodeCap(ctx: Context, user: User, check: () => Promise<boolean>): Promise<boolean> {
  const { store } = totpState(ctx.services);
  const count = await store.reserveCodeCheck(user.id, MFA_MAX_FAILED_CODES);
  if (count === undefined) {
    throw new AuthError(
      "MFA_LOCKED",
      "Too many wrong codes: sign in with a recovery code, or follow the link mailed to you to unlock",
    );
  }
  let valid: boolean;
  try {
    valid = await check();
  } catch (error) {
    // The check never finished: it is not a wrong code.
    await store.releaseCodeCheck(user.id).catch(() => undefined);
    throw error;
  }
  if (valid) await store.clearFailedCodes(user.id);
  else if (count === MFA_MAX_FAILED_CODES) await lockedNow(ctx, user);
  return valid;
}

/**
 * Only the request whose reservation reached the cap gets here: one audit
 * entry, one mail; with an unlock link unless the link already unlocked the
 * factor in the last 24 hours.
 */
async function lockedNow(ctx: Context, user: User): Promise<void> {
  await audit(ctx, { event: "mfa_locked", userId: user.id, username: user.username });
  if (!user.email) return; // an operator (user:mfa-reset) or a recovery code then
  try {
    const { tokens, mailer } = ctx.services;
    const unlockedAt = await totpState(ctx.services).store.linkUnlockedAt(user.id);
    if (unlockedAt && ctx.services.now() - unlockedAt.getTime() < MFA_LINK_UNLOCK_COOLDOWN_MS) {
      await mailer.enqueue(mfaLockedAgainMail(user.email, accountName(user), MFA_MAX_FAILED_CODES), { kind: "notice" });
      return;
    }
    const link = (token: string) => accountLink(ctx, "/mfa-unlock", token);
    const token = await tokens.issue(user.id, "mfa_unlock", user.email);
    await mailer.enqueue(mfaLockedMail(user.email, accountName(user), MFA_MAX_FAILED_CODES, link(token)), {
      kind: "notice",
    });
  } catch (err) {
    // The lock holds without the mail; the answer stays "wrong code".
    ctx.services.logger.error({ err, userId: user.id }, "could not mail the second-factor unlock link");
  }
}
