import { AuthError } from "@tollgate/auth";
import { type PublicUser, publicUser } from "./core/session-start.js";
import { authedProcedure } from "./trpc.js";

/**
 * authedProcedure with `ctx.user` too: the signed-in user, read from the
 * database (one read per call: use authedProcedure and `ctx.session.userId`
 * when the id is enough). A user deleted or deactivated since sign-in is
 * UNAUTHORIZED.
 */
export const userProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.services.users.findById(ctx.session.userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  const signedInUser: PublicUser = publicUser(user);
  return next({ ctx: { user: signedInUser } });
});
