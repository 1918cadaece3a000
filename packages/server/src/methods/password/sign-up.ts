import { AuthError, checkPasswordPolicy, normalizeUsername } from "@tollgate/auth";
import { quotaExceeded } from "../../abuse-limits.js";
import { audit } from "../../core/audit.js";
import { signUpInput } from "../../core/inputs.js";
import { startSession } from "../../core/session-start.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { offerAddress } from "../../core/verification-mail.js";
import { type User, UsernameTakenError } from "../../stores/user-store.js";
import { credentialProcedure } from "../../trpc.js";

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
