import { AuthError, checkPasswordPolicy } from "@tollgate/auth";
import { accountName, passwordChangedMail } from "../mail/templates.js";
import { audit } from "../procedures/audit.js";
import { changePasswordInput } from "../procedures/inputs.js";
import { startSession } from "../procedures/session-issuer.js";
import { limitedCheck } from "../procedures/sign-in-limit.js";
import { protectedCredentialMutation } from "../trpc.js";

/**
 * Changes the password, ends every session of the user (this one too: a
 * stolen refresh token of it must die with the old password) and signs the
 * caller in afresh. A wrong current password is BAD_REQUEST, never 401: the
 * caller is signed in, and a client must not refresh and retry it.
 */
export const changePassword = protectedCredentialMutation
  .input(changePasswordInput)
  .mutation(async ({ ctx, input, signal }) => {
    const { auth, users } = ctx.services;
    const user = await users.findById(ctx.session.userId);
    if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    // Before the check: a refused new password costs no attempt.
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    const valid = await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
      const check = await auth.passwords.verify(input.currentPassword, user.passwordHash, { signal });
      return check.valid;
    });
    if (!valid) throw new AuthError("CURRENT_PASSWORD_WRONG", "The current password is wrong");

    const hash = await auth.passwords.hash(input.newPassword);
    if (!(await users.replacePasswordHash(user.id, user.passwordHash, hash))) {
      throw new AuthError("PASSWORD_CHANGED_CONCURRENTLY", "The password was changed meanwhile; try again");
    }
    await ctx.services.tokens.voidAll(user.id);
    // A sign-in begun with the old password must not finish with a code now.
    await ctx.services.mfa.endPending(user.id);
    const ended = await auth.sessions.revokeAllForUser(user.id, "password_changed");
    if (user.email)
      await ctx.services.mailer.enqueue(passwordChangedMail(user.email, accountName(user)), { kind: "notice" });
    const { signedIn, sessionId } = await startSession(ctx, user);
    await audit(ctx, {
      event: "password_changed",
      userId: user.id,
      sessionId,
      detail: `${ended} sessions ended`,
    });
    return { ...signedIn, endedSessions: ended };
  });
