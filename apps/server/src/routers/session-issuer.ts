import type { StoredSession } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { User } from "../stores/user-store.js";

export interface PublicUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
}

export interface SignedIn {
  user: PublicUser;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
}

export function publicUser(user: User): PublicUser {
  return { id: user.id, username: user.username, firstName: user.firstName, lastName: user.lastName };
}

/** Issues an access token for the session and sets the three cookies. Tokens never go in the body. */
export async function issueSessionCookies(
  ctx: Context,
  user: User,
  session: StoredSession,
  refreshToken: string,
  csrfToken: string,
): Promise<SignedIn> {
  const access = await ctx.services.auth.accessTokens.issue({ userId: user.id, sessionId: session.id });
  ctx.setCookies(ctx.services.auth.cookies.set({ accessToken: access.token, refreshToken, csrfToken }));
  return { user: publicUser(user), accessTokenExpiresAt: access.expiresAt };
}
