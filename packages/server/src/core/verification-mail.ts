import type { Context } from "../context.js";
import { addressInUseMail, emailChangedMail, verifyEmailMail } from "../mail/templates.js";
import type { User } from "../stores/user-store.js";
import { accountLink } from "./mail-links.js";

/** Mails `user` a link confirming its current, unconfirmed address (24 hours, single use, bound to that address). */
export async function sendVerificationMail(ctx: Context, user: User): Promise<void> {
  if (!user.email) return;
  const token = await ctx.services.tokens.issue(user.id, "email_verification", user.email);
  await ctx.services.mailer.enqueue(verifyEmailMail(user.email, accountLink(ctx, "/verify-email", token)));
}

/**
 * A new address for `userId` (sign-up or profile change): it stays pending
 * (the token carries it) until its link is followed. The same work is done
 * whether or not another account holds it, so the caller's answer cannot
 * tell: a free address gets the confirmation link, a taken one's owner gets
 * "someone tried to use your address" (and the link is never mailed).
 */
export async function offerAddress(ctx: Context, userId: string, address: string): Promise<void> {
  const { tokens, users, mailer } = ctx.services;
  const link = accountLink(ctx, "/verify-email", await tokens.issue(userId, "email_verification", address));
  const owner = await users.findByEmail(address);
  if (owner && owner.id !== userId && owner.email) await mailer.enqueue(addressInUseMail(owner.email));
  else await mailer.enqueue(verifyEmailMail(address, link));
}

/**
 * Whether EMAIL_VERIFICATION=required keeps `user` from signing in: an
 * address not confirmed yet. Users without one (made by an operator) are
 * exempt, but not a sign-up whose address is still pending (it owes one).
 */
export async function mustConfirmAddress(ctx: Context, user: User): Promise<boolean> {
  return (
    ctx.services.config.emailVerification === "required" &&
    !user.emailVerified &&
    (user.email !== null || (await ctx.services.tokens.addressOwed(user.id)))
  );
}

/**
 * EMAIL_VERIFICATION=required and a sign-in with the right password from an
 * account whose address is not confirmed: when its link has expired (or was
 * never mailed: the quota dropped it), a fresh one goes out, so the account
 * is never stuck waiting for an operator. While a link is live nothing is
 * sent: the one in the inbox keeps working. Said only to someone who knows
 * the password, and bounded by the sign-in limit and the mail quota.
 */
export async function offerFreshLink(ctx: Context, user: User): Promise<void> {
  const { tokens } = ctx.services;
  // A live verification link of any address (pendingEmail against no current address).
  if (await tokens.pendingEmail(user.id, null)) return;
  if (user.email && !user.emailVerified) {
    await sendVerificationMail(ctx, user);
    return;
  }
  const offered = await tokens.lastOfferedEmail(user.id);
  if (offered) await offerAddress(ctx, user.id, offered);
}

/** The old address is told that it was replaced (or removed); `account`: accountName of the user as it was. */
export async function sendEmailChangedMail(
  ctx: Context,
  oldEmail: string,
  account: string,
  newEmail: string | null,
): Promise<void> {
  await ctx.services.mailer.enqueue(emailChangedMail(oldEmail, account, newEmail), { kind: "notice" });
}
