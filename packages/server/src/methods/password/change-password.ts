import { checkPasswordPolicy, combineAmr } from "@tollgate/auth";
import { requireActiveUser } from "../../core/active-user.js";
import { audit } from "../../core/audit.js";
import { checkCurrentPassword } from "../../core/current-password.js";
import { changePasswordInput } from "../../core/inputs.js";
import { PASSWORD_PROOF, startSession } from "../../core/session-start.js";
import { setPassword, setPasswordDeps } from "../../core/set-password.js";
import { protectedCredentialMutation } from "../../trpc.js";

/**
 * Changes the password, ends every session of the user (this one too: a
 * stolen refresh token of it must die with the old password) and signs the
 * caller in afresh. A wrong current password is BAD_REQUEST, never 401: the
 * caller is signed in, and a client must not refresh and retry it.
 */
export const changePassword = protectedCredentialMutation
  .input(changePasswordInput)
  .mutation(async ({ ctx, input, signal }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    // Before the check: a refused new password costs no attempt.
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await checkCurrentPassword(ctx, user, input.currentPassword, signal, "The current password is wrong");
    // The new session keeps what this one proved (a second factor) beside the password just given.
    const current = await ctx.services.auth.sessions.get(ctx.session.sessionId);
    const ended = await setPassword(setPasswordDeps(ctx.services), user, input.newPassword);
    const amr = combineAmr(current?.amr ?? [], PASSWORD_PROOF.amr);
    const { signedIn, sessionId } = await startSession(ctx, user, {
      authMethod: current?.authMethod ?? "password",
      amr,
    });
    await audit(ctx, {
      event: "password_changed",
      userId: user.id,
      sessionId,
      detail: `${ended} sessions ended`,
    });
    return { ...signedIn, endedSessions: ended };
  });
