import { AuthError, usernameLookupForm } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { completeSignIn, type MfaRequired, secondFactorsOf } from "../../core/complete-sign-in.js";
import { PASSWORD_PROOF, type SignedIn } from "../../core/session-start.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { mustConfirmAddress, offerFreshLink } from "../../core/verification-mail.js";
import type { UserWithHash } from "../../stores/user-store.js";
import type { SecondFactorName } from "../method.js";

/**
 * auth.login's whole check, for every surface that signs in with a username
 * and password (auth.login, the Django surface's /accounts/auth/login/): the
 * attempt counted before the check, an unknown user costing one hash, the
 * same error for both, rehashing, and the second factor asked. Throws
 * AuthError INVALID_CREDENTIALS, ACCOUNT_INACTIVE, EMAIL_NOT_VERIFIED,
 * RATE_LIMITED or HASH_QUEUE_FULL.
 */
export async function signInWithPassword(
  ctx: Context,
  input: { readonly username: string; readonly password: string },
  signal?: AbortSignal,
): Promise<SignedIn | MfaRequired> {
  const { users, auth } = ctx.services;
  let user: UserWithHash | undefined;
  // Read once: by limitedCheck (only to recognise a known device) and by the check.
  let lookup: Promise<UserWithHash | undefined> | undefined;
  const findUser = () => {
    lookup ??= users.findByUsername(input.username);
    return lookup;
  };
  let needsRehash = false;
  // Asked once the password is right: a right password that still needs a second factor is not a full success.
  let secondFactors: SecondFactorName[] = [];
  // The limit counts the form the lookup uses: "zoe", "zoe " and "ｚｏｅ" are one account, one count.
  const account = usernameLookupForm(input.username);
  const valid = await limitedCheck(
    ctx,
    {
      username: account,
      userId: async () => (await findUser())?.id,
      signIn: true,
      onFirstRefusal: () => audit(ctx, { event: "login_rate_limited", username: input.username }),
      firstOfTwo: () => secondFactors.length > 0,
    },
    async () => {
      user = await findUser();
      if (!user) {
        // Unknown user: spend the same hashing time, give the same answer.
        await auth.passwords.verifyDummy(input.password, { signal });
        return false;
      }
      const result = await auth.passwords.verify(input.password, user.passwordHash, { signal });
      needsRehash = result.needsRehash;
      if (result.valid) secondFactors = await secondFactorsOf(ctx, user);
      return result.valid;
    },
  );

  if (!user || !valid) {
    ctx.services.metrics.signIn("failure");
    await audit(ctx, { event: "login_failed", userId: user?.id, username: input.username });
    throw new AuthError("INVALID_CREDENTIALS", "Invalid username or password");
  }
  if (!user.isActive) {
    ctx.services.metrics.signIn("failure");
    // Said only to someone who knows the password.
    throw new AuthError("ACCOUNT_INACTIVE", "This account is inactive");
  }
  if (await mustConfirmAddress(ctx, user)) {
    ctx.services.metrics.signIn("failure");
    // Said only to someone who knows the password. An expired link is replaced.
    await offerFreshLink(ctx, user);
    throw new AuthError("EMAIL_NOT_VERIFIED", "Confirm your email address first: follow the link in the mail");
  }
  if (needsRehash) {
    // Imported (Django) or weaker hashes become argon2id at the first good sign-in.
    const rehashed = await auth.passwords.hash(input.password);
    if (await users.replacePasswordHash(user.id, user.passwordHash, rehashed)) {
      await audit(ctx, { event: "password_rehashed", userId: user.id });
    }
  }
  const outcome = await completeSignIn(ctx, user, PASSWORD_PROOF, secondFactors);
  // Pending: no session yet, only a cookie for auth.mfa.verify.
  if (outcome.pending) return outcome.pending;
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId: outcome.sessionId });
  return outcome.signedIn;
}
