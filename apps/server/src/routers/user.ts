import { AuthError } from "@tollgate/auth";
import { publicUser } from "../procedures/session-issuer.js";
import { authedProcedure, router } from "../trpc.js";

export const userRouter = router({
  me: authedProcedure.query(async ({ ctx }) => {
    const user = await ctx.services.users.findById(ctx.session.userId);
    if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
    return publicUser(user);
  }),
});
