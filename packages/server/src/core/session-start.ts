import type { SessionMeta } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { User } from "../stores/user-store.js";
import { rememberDevice } from "./known-device.js";

export interface PublicUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  emailVerified: boolean;
}

export interface SignedIn {
  user: PublicUser;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
}

export function publicUser(user: User): PublicUser {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    emailVerified: user.emailVerified,
  };
}

/** Issues an access token for the session and sets the three cookies. Tokens never go in the body. */
export async function issueSessionCookies(
  ctx: Context,
  user: User,
  session: { readonly id: string },
  refreshToken: string,
  csrfToken: string,
): Promise<SignedIn> {
  const { auth } = ctx.services;
  const access = await auth.accessTokens.issue({ userId: user.id, sessionId: session.id });
  ctx.setCookies(auth.cookies.set({ accessToken: access.token, refreshToken, csrfToken }));
  return { user: publicUser(user), accessTokenExpiresAt: access.expiresAt };
}

/**
 * Starts a new session for `user` from this request, stored with how it was
 * established (`authMethod`, in the same insert), and signs the caller in
 * with it. Every completed sign-in passes here, so this browser becomes a
 * known device of the user.
 */
export async function startSession(
  ctx: Context,
  user: User,
  authMethod = "password",
): Promise<{ signedIn: SignedIn; sessionId: string }> {
  const { auth } = ctx.services;
  const meta: SessionMeta = { userAgent: ctx.request.userAgent, ip: ctx.request.ip, authMethod };
  const { session, refreshToken } = await auth.sessions.create(user.id, meta);
  const signedIn = await issueSessionCookies(ctx, user, session, refreshToken, auth.csrf.issue(session.id));
  rememberDevice(ctx, user.id);
  return { signedIn, sessionId: session.id };
}
