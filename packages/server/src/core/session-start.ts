import type { Amr, SessionMeta, StoredSession } from "@tollgate/auth";
import type { Context } from "../context.js";
import type { User } from "../stores/user-store.js";
import { audit } from "./audit.js";
import { knownDeviceOf, rememberDevice } from "./known-device.js";

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

/**
 * What a completed sign-in proved: `authMethod` as auth.sessions shows it
 * ("password", "password+totp"), `amr` as the session and its access tokens
 * record it (RFC 8176; the level is derived from it).
 */
export interface SignInProof {
  readonly authMethod: string;
  readonly amr: readonly Amr[];
}

/** A password sign-in: one factor, something the user knows. */
export const PASSWORD_PROOF: SignInProof = { authMethod: "password", amr: ["pwd"] };

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
  session: Pick<StoredSession, "id" | "amr" | "authTime">,
  refreshToken: string,
  csrfToken: string,
): Promise<SignedIn> {
  const { auth } = ctx.services;
  const access = await auth.accessTokens.issue({ userId: user.id, sessionId: session.id, proof: session });
  ctx.setCookies(auth.cookies.set({ accessToken: access.token, refreshToken, csrfToken }));
  return { user: publicUser(user), accessTokenExpiresAt: access.expiresAt };
}

/**
 * Starts a new session for `user` from this request, stored with how it was
 * established (`proof`: authMethod and amr, in the same insert; auth_time is
 * now), and signs the caller in with it. Every completed sign-in passes here, so this browser becomes a
 * known device of the user.
 */
export async function startSession(
  ctx: Context,
  user: User,
  proof: SignInProof = PASSWORD_PROOF,
): Promise<{ signedIn: SignedIn; sessionId: string }> {
  const { auth } = ctx.services;
  const meta: SessionMeta = {
    userAgent: ctx.request.userAgent,
    ip: ctx.request.ip,
    authMethod: proof.authMethod,
    amr: proof.amr,
  };
  const { session, refreshToken } = await auth.sessions.create(user.id, meta);
  const signedIn = await issueSessionCookies(ctx, user, session, refreshToken, auth.csrf.issue(session.id));
  // A browser without this account's device cookie: recorded (and, for an account that signed in before, mailed).
  if (knownDeviceOf(ctx, user.id) === undefined) {
    void audit(ctx, { event: "new_device", userId: user.id, sessionId: session.id });
  }
  rememberDevice(ctx, user.id);
  return { signedIn, sessionId: session.id };
}
