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

/** The old address is told that it was replaced (or removed); `account`: accountName of the user as it was. */
export async function sendEmailChangedMail(
  ctx: Context,
  oldEmail: string,
  account: string,
  newEmail: string | null,
): Promise<void> {
  await ctx.services.mailer.enqueue(emailChangedMail(oldEmail, account, newEmail));
}
