import { AuthError } from "@tollgate/auth";
import type { Context } from "../context.js";
import { audit } from "../procedures/audit.js";
import { updateProfileInput } from "../procedures/inputs.js";
import { publicUser } from "../procedures/session-issuer.js";
import { sendEmailChangedMail, sendVerificationMail } from "../procedures/verification-mail.js";
import { EmailTakenError, sameEmail, type User } from "../stores/user-store.js";
import { authedProcedure, protectedMutation, router } from "../trpc.js";

/** user.me's answer (the same as the user of a sign-in). */
const profile = (user: User) => publicUser(user);

async function activeUser(ctx: Context & { session: { userId: string } }): Promise<User> {
  const user = await ctx.services.users.findById(ctx.session.userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  return user;
}

export const userRouter = router({
  me: authedProcedure.query(async ({ ctx }) => profile(await activeUser(ctx))),

  /** Names and address; a different address is unverified until confirmed. */
  updateProfile: protectedMutation.input(updateProfileInput).mutation(async ({ ctx, input }) => {
    await activeUser(ctx);
    let result: Awaited<ReturnType<Context["services"]["users"]["updateProfile"]>>;
    try {
      result = await ctx.services.users.updateProfile(ctx.session.userId, input);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new AuthError("ACCOUNT_EXISTS", "That email address cannot be used");
      throw error;
    }
    if (!result) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    const { user, previousEmail } = result;
    const emailChanged = input.email !== undefined && !sameEmail(previousEmail, user.email);
    if (emailChanged) {
      // The new address is confirmed by its link; the old one is told.
      await sendVerificationMail(ctx, user);
      if (previousEmail) await sendEmailChangedMail(ctx, previousEmail, user);
    }
    await audit(ctx, {
      event: "profile_updated",
      userId: user.id,
      sessionId: ctx.session.sessionId,
      detail: emailChanged ? "email changed" : null,
    });
    return profile(user);
  }),
});
