import { AuthError } from "@tollgate/auth";
import { quotaExceeded } from "../abuse-limits.js";
import type { Context } from "../context.js";
import { requireActiveUser } from "../core/active-user.js";
import { audit } from "../core/audit.js";
import { updateProfileInput } from "../core/inputs.js";
import { confirmSensitiveAction } from "../core/sensitive-action.js";
import { publicUser } from "../core/session-start.js";
import { pendingEmailOf } from "../core/user-cache.js";
import { offerAddress, sendEmailChangedMail } from "../core/verification-mail.js";
import { accountName } from "../mail/templates.js";
import { sameEmail, type User } from "../stores/user-store.js";
import { authedProcedure, protectedMutation, router } from "../trpc.js";

/** user.me's answer: the user of a sign-in, plus the address asked for and not confirmed yet (null when none). */
async function profile(ctx: Context, user: User) {
  return { ...publicUser(user), pendingEmail: await ctx.services.tokens.pendingEmail(user.id, user.email) };
}

export const userRouter = router({
  // From the user cache: no database read while it holds the user (every change reaches it through the feed).
  me: authedProcedure.query(async ({ ctx }) => {
    const entry = await ctx.services.userCache.get(ctx.session.userId);
    if (!entry?.user.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    return { ...publicUser(entry.user), pendingEmail: pendingEmailOf(entry, ctx.services.now()) };
  }),

  /**
   * Names at once; a new address only pends (a confirmation link to it, or
   * "someone tried to use your address" to the account that has it: the
   * answer is the same) and is attached when its link is followed. Changing
   * or removing the address needs `currentPassword` or a recent step-up, and new addresses are
   * limited per account (RATE_LIMITED). The same address in another case is
   * stored as given.
   */
  updateProfile: protectedMutation.input(updateProfileInput).mutation(async ({ ctx, input }) => {
    const { users, tokens } = ctx.services;
    const before = await requireActiveUser(users, ctx.session.userId);
    const moved = input.email !== undefined && !sameEmail(before.email, input.email);
    if (moved) {
      // A stolen session alone must not move the address and then reset the password through it.
      await confirmSensitiveAction(ctx, ctx.session, before, input.currentPassword, {
        message: "The current password is wrong",
      });
      if (input.email !== null) {
        const quota = await ctx.services.addressChanges.take(before.id);
        if (!quota.allowed) throw quotaExceeded(quota.retryAfter, "address changes");
      }
    }
    const result = await users.updateProfile(before.id, {
      firstName: input.firstName,
      lastName: input.lastName,
      // Recased, or removed: applied now. A new address waits for its link.
      ...(input.email !== undefined && (!moved || input.email === null) ? { email: input.email } : {}),
    });
    if (!result) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    if (moved && input.email === null) {
      // No address: its links (reset, verification) must not outlive it.
      await tokens.voidAll(before.id);
      if (before.email) await sendEmailChangedMail(ctx, before.email, accountName(before), null);
    } else if (moved && input.email) {
      await offerAddress(ctx, before.id, input.email);
    }
    await audit(ctx, {
      event: moved && input.email ? "email_change_requested" : "profile_updated",
      userId: before.id,
      sessionId: ctx.session.sessionId,
      detail: moved ? (input.email ? "new address pending" : "email removed") : null,
    });
    return profile(ctx, result.user);
  }),
});
