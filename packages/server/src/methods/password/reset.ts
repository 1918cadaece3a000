import { AuthError, checkPasswordPolicy } from "@tollgate/auth";
import { audit } from "../../core/audit.js";
import { completeSignIn } from "../../core/complete-sign-in.js";
import { requestPasswordResetInput, resetPasswordInput } from "../../core/inputs.js";
import { accountLink } from "../../core/mail-links.js";
import { PASSWORD_PROOF } from "../../core/session-start.js";
import { setPassword, setPasswordDeps } from "../../core/set-password.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { accountName, passwordResetMail } from "../../mail/templates.js";
import { credentialProcedure, publicProcedure } from "../../trpc.js";

/**
 * The sign-in limit's name for reset-token guesses: counted per client
 * network only (networkOnly). A token carries 256 bits; a key shared by every
 * user would let a few junk tokens refuse every victim's valid link.
 */
const RESET_TOKEN_KEY = "\u0000password-reset";

/**
 * A reset request for an address mailed a link less than this long ago that
 * is still live and unused mails nothing: the owner already holds a working
 * link (30 minutes), and anonymous requests, from however many networks,
 * cost the address's mail quota at most 4 mails an hour.
 */
const RESET_LINK_REUSE_MS = 15 * 60_000;

/**
 * Always the same answer, at the same speed: the rate limit is the only work
 * on the request path (counted per address string and client network, so it
 * says nothing about the address either); looking the address up, making the
 * token and queueing the mail run after the response.
 */
export const requestPasswordReset = publicProcedure
  .input(requestPasswordResetInput)
  .mutation(async ({ ctx, input }) => {
    const { resetLimiter, users, tokens, mailer } = ctx.services;
    const attempt = await resetLimiter.reserve({ subject: input.email, network: ctx.request.ip });
    await attempt.settle("failure");
    // Built now: the link's origin comes from this request.
    const link = (token: string) => accountLink(ctx, "/reset-password", token);
    mailer.defer(async () => {
      const user = await users.findByEmail(input.email);
      await audit(ctx, { event: "password_reset_requested", userId: user?.id, username: user?.username });
      // Only a confirmed address: one merely typed into a profile or sign-up owns nothing.
      if (!user?.isActive || !user.email || !user.emailVerified) return;
      const token = await tokens.issueUnlessRecent(user.id, "password_reset", user.email, RESET_LINK_REUSE_MS);
      if (token === undefined) return;
      if (!(await mailer.enqueue(passwordResetMail(user.email, accountName(user), link(token))))) {
        // Dropped by the quota: nobody holds this link, so it must not hold back the next request.
        await tokens.consume(token, "password_reset");
      }
    });
    return { ok: true as const };
  });

/**
 * Sets a new password from a reset link: checks the token (under the sign-in
 * limit, as a credential), then the password policy, then uses the token up;
 * ends every session of the user, voids every other link, mails "your
 * password was changed" and signs the caller in. Following the link proves
 * the address, so it becomes verified.
 */
export const resetPassword = credentialProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
  const { users, tokens } = ctx.services;
  let grant: Awaited<ReturnType<typeof tokens.peek>>;
  await limitedCheck(ctx, { username: RESET_TOKEN_KEY, networkOnly: true }, async () => {
    grant = await tokens.peek(input.token, "password_reset");
    return grant !== undefined;
  });
  const invalid = () => new AuthError("LINK_INVALID", "The link is invalid, expired or already used");
  const user = grant && (await users.findById(grant.userId));
  if (!user?.isActive) throw invalid();
  checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
  if (!(await tokens.consume(input.token, "password_reset"))) throw invalid();

  // Sign-ins begun with the old password end here (this caller's own starts below).
  const ended = await setPassword(setPasswordDeps(ctx.services), user, input.newPassword);
  if (grant?.email && user.email && grant.email.toLowerCase() === user.email.toLowerCase()) {
    await users.markEmailVerified(user.id, user.email);
  }
  // A mailed link never bypasses a second factor: the caller then still gives it (auth.mfa.verify).
  // The new password, just chosen, is the first factor the session records ("pwd"): the link alone is no level.
  const outcome = await completeSignIn(ctx, user, PASSWORD_PROOF);
  await audit(ctx, {
    event: "password_reset",
    userId: user.id,
    sessionId: outcome.sessionId,
    detail: `${ended} sessions ended`,
  });
  if (outcome.pending) return { ...outcome.pending, endedSessions: ended };
  return { ...outcome.signedIn, endedSessions: ended };
});
