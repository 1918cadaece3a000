import { AuthError, checkPasswordPolicy, normalizeUsername } from "@tollgate/auth";
import { audit } from "../procedures/audit.js";
import { signUpInput, verifyEmailInput } from "../procedures/inputs.js";
import { startSession } from "../procedures/session-issuer.js";
import { limitedCheck } from "../procedures/sign-in-limit.js";
import { sendVerificationMail } from "../procedures/verification-mail.js";
import { EmailTakenError, type User, UsernameTakenError } from "../stores/user-store.js";
import { credentialProcedure, protectedMutation, publicProcedure } from "../trpc.js";

/**
 * Creates an account (SIGNUP=open). The same Origin rule and sign-in limit as
 * auth.login; refused inside batches. A username or address in use is one
 * answer (ACCOUNT_EXISTS) that does not say which of the two: the form needs
 * to know the pair cannot be used, not who holds an address. A verification
 * mail always goes out; with EMAIL_VERIFICATION=required the caller is signed
 * in only once it is confirmed (the answer says so, and sets no cookie).
 * The username is stored normalized (NFKC, trimmed); one that breaks the
 * username rules is USERNAME_INVALID, one that looks like an existing one
 * (same skeleton) is ACCOUNT_EXISTS.
 */
export const signUp = credentialProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
  const { config, auth, users } = ctx.services;
  if (config.signup !== "open") {
    throw new AuthError("SIGNUP_CLOSED", "Sign-up is closed on this server; ask an administrator for an account");
  }
  const username = normalizeUsername(input.username);
  checkPasswordPolicy(input.password, { username, email: input.email });
  let user: User | undefined;
  await limitedCheck(ctx, { username }, async () => {
    const passwordHash = await auth.passwords.hash(input.password);
    try {
      user = await users.create({
        username,
        email: input.email,
        passwordHash,
        firstName: input.firstName ?? "",
        lastName: input.lastName ?? "",
      });
      return true;
    } catch (error) {
      if (error instanceof UsernameTakenError || error instanceof EmailTakenError) return false;
      throw error;
    }
  });
  if (!user) throw new AuthError("ACCOUNT_EXISTS", "That username or email address cannot be used");
  await audit(ctx, { event: "signed_up", userId: user.id, username: user.username });
  await sendVerificationMail(ctx, user);
  if (config.emailVerification === "required") {
    return { verificationRequired: true as const, email: user.email };
  }
  const { signedIn } = await startSession(ctx, user);
  return signedIn;
});

/** Mails a new confirmation link for the caller's address. */
export const requestEmailVerification = protectedMutation.mutation(async ({ ctx }) => {
  const user = await ctx.services.users.findById(ctx.session.userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  const attempt = await ctx.services.resetLimiter.reserve(`\u0000verify:${user.id}`, ctx.request.ip);
  await attempt.settle("failure");
  if (user.email && !user.emailVerified) await sendVerificationMail(ctx, user);
  return { ok: true as const };
});

/** Confirms an address from its link: single use, 24 hours, and only while the account still has that address. */
export const verifyEmail = publicProcedure.input(verifyEmailInput).mutation(async ({ ctx, input }) => {
  const { tokens, users } = ctx.services;
  const grant = await tokens.consume(input.token, "email_verification");
  const verified = grant?.email ? await users.markEmailVerified(grant.userId, grant.email) : false;
  if (!grant || !verified) throw new AuthError("LINK_INVALID", "The link is invalid, expired or already used");
  await audit(ctx, { event: "email_verified", userId: grant.userId });
  return { ok: true as const, emailVerified: true as const };
});
