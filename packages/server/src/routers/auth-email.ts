import { AuthError } from "@tollgate/auth";
import { requireActiveUser } from "../core/active-user.js";
import { audit } from "../core/audit.js";
import { verifyEmailInput } from "../core/inputs.js";
import { offerAddress, sendEmailChangedMail, sendVerificationMail } from "../core/verification-mail.js";
import { accountName } from "../mail/templates.js";
import { sameEmail } from "../stores/user-store.js";
import { protectedMutation, publicProcedure } from "../trpc.js";

/** Mails a new confirmation link for the caller's pending address (or its unconfirmed current one). */
export const requestEmailVerification = protectedMutation.mutation(async ({ ctx }) => {
  const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
  const attempt = await ctx.services.resetLimiter.reserve({
    subject: `\u0000verify:${user.id}`,
    network: ctx.request.ip,
  });
  await attempt.settle("failure");
  const pending = await ctx.services.tokens.pendingEmail(user.id, user.email);
  if (pending) await offerAddress(ctx, user.id, pending);
  else if (user.email && !user.emailVerified) await sendVerificationMail(ctx, user);
  return { ok: true as const };
});

/**
 * Confirms an address from its link (single use, 24 hours): a pending address
 * is attached if no other account took it meanwhile (else LINK_INVALID), and
 * attaching it voids every other mailed link of the account (a reset link
 * sent to the old address must not outlive it) and tells the old address.
 */
export const verifyEmail = publicProcedure.input(verifyEmailInput).mutation(async ({ ctx, input }) => {
  const { tokens, users } = ctx.services;
  const invalid = () => new AuthError("LINK_INVALID", "The link is invalid, expired or already used");
  const grant = await tokens.consume(input.token, "email_verification");
  if (!grant?.email) throw invalid();
  const before = await users.findById(grant.userId);
  if (!before?.isActive) throw invalid();
  if (sameEmail(before.email, grant.email)) {
    if (!(await users.markEmailVerified(grant.userId, grant.email))) throw invalid();
  } else {
    const attached = await users.attachEmail(grant.userId, grant.email);
    if (!attached) throw invalid();
    await tokens.voidAll(grant.userId);
    await tokens.clearAddressOwed(grant.userId);
    if (attached.previousEmail) {
      await sendEmailChangedMail(ctx, attached.previousEmail, accountName(before), attached.user.email);
    }
  }
  await audit(ctx, { event: "email_verified", userId: grant.userId });
  return { ok: true as const, emailVerified: true as const };
});
