import type { Context } from "../context.js";
import { emailChangedMail, verifyEmailMail } from "../mail/templates.js";
import type { User } from "../stores/user-store.js";
import { accountLink } from "./mail-links.js";

/** Mails `user` a link confirming its current address (24 hours, single use, bound to that address). */
export async function sendVerificationMail(ctx: Context, user: User): Promise<void> {
  if (!user.email) return;
  const token = await ctx.services.tokens.issue(user.id, "email_verification", user.email);
  await ctx.services.mailer.enqueue(
    verifyEmailMail(user.email, user.username, accountLink(ctx, "/verify-email", token)),
  );
}

/** The old address is told that it was replaced (or removed). */
export async function sendEmailChangedMail(ctx: Context, oldEmail: string, user: User): Promise<void> {
  await ctx.services.mailer.enqueue(emailChangedMail(oldEmail, user.username, user.email));
}
