import { AuthError, checkPasswordPolicy, normalizeUsername } from "@tollgate/auth";
import { quotaExceeded } from "../abuse-limits.js";
import { accountName } from "../mail/templates.js";
import { audit } from "../procedures/audit.js";
import { signUpInput, verifyEmailInput } from "../procedures/inputs.js";
import { startSession } from "../procedures/session-issuer.js";
import { limitedCheck } from "../procedures/sign-in-limit.js";
import { offerAddress, sendEmailChangedMail, sendVerificationMail } from "../procedures/verification-mail.js";
import { sameEmail, type User, UsernameTakenError } from "../stores/user-store.js";
import { credentialProcedure, protectedMutation, publicProcedure } from "../trpc.js";

/**
 * Creates an account (SIGNUP=open). The same Origin rule and sign-in limit as
 * auth.login, a quota of sign-ups per client network; refused inside batches.
 * A taken username is ACCOUNT_EXISTS (usernames are public); the address is
 * never reported: it stays pending until its link is followed, and whether
 * another account holds it changes only who gets a mail (the link, or "someone
 * tried to use your address" to its owner), never the answer. With
 * EMAIL_VERIFICATION=required the caller is signed in only once an address
 * is confirmed (the answer says so, and sets no cookie).
 * The username is stored normalized (NFKC, trimmed); one that breaks the
 * username rules is USERNAME_INVALID, one that looks like an existing one
 * (same skeleton) is ACCOUNT_EXISTS.
 */
export const signUp = credentialProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
  const { config, auth, users, tokens } = ctx.services;
  if (config.signup !== "open") {
    throw new AuthError("SIGNUP_CLOSED", "Sign-up is closed on this server; ask an administrator for an account");
  }
  const username = normalizeUsername(input.username);
  checkPasswordPolicy(input.password, { username, email: input.email });
  const quota = await ctx.services.signUps.take("signup", ctx.request.ip);
  if (!quota.allowed) throw quotaExceeded(quota.retryAfter, "sign-ups from this network");
  let user: User | undefined;
  await limitedCheck(ctx, { username }, async () => {
    const passwordHash = await auth.passwords.hash(input.password);
    try {
      user = await users.create({
        username,
        email: null,
        passwordHash,
        firstName: input.firstName ?? "",
        lastName: input.lastName ?? "",
      });
      return true;
    } catch (error) {
      if (error instanceof UsernameTakenError) return false;
      throw error;
    }
  });
  if (!user) throw new AuthError("ACCOUNT_EXISTS", "That username is taken");
  await tokens.markAddressOwed(user.id);
  await audit(ctx, { event: "signed_up", userId: user.id, username: user.username });
  await offerAddress(ctx, user.id, input.email);
  if (config.emailVerification === "required") {
    return { verificationRequired: true as const, email: input.email };
  }
  const { signedIn } = await startSession(ctx, user);
  return signedIn;
});

/** Mails a new confirmation link for the caller's pending address (or its unconfirmed current one). */
export const requestEmailVerification = protectedMutation.mutation(async ({ ctx }) => {
  const user = await ctx.services.users.findById(ctx.session.userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  const attempt = await ctx.services.resetLimiter.reserve(`\u0000verify:${user.id}`, ctx.request.ip);
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
