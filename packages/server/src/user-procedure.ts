import { AuthError } from "@tollgate/auth";
import { type PublicUser, publicUser } from "./core/session-start.js";
import { authedProcedure } from "./trpc.js";

/**
 * authedProcedure with `ctx.user` too: the signed-in user, from the user
 * cache (no database read while it holds the user; a change anywhere reaches
 * it within the revocation feed's second). A user deleted or deactivated
 * since sign-in is UNAUTHORIZED.
 */
export const userProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const user = (await ctx.services.userCache.get(ctx.session.userId))?.user;
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  const signedInUser: PublicUser = publicUser(user);
  return next({ ctx: { user: signedInUser } });
});
