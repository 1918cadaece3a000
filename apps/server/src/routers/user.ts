import { TRPCError } from "@trpc/server";
import { authedProcedure, router } from "../trpc.js";
import { publicUser } from "./session-issuer.js";

export const userRouter = router({
  me: authedProcedure.query(async ({ ctx }) => {
    const user = await ctx.services.users.findById(ctx.session.userId);
    if (!user?.isActive)
      throw new TRPCError({ code: "UNAUTHORIZED", message: "The account no longer exists or is inactive" });
    return publicUser(user);
  }),
});
