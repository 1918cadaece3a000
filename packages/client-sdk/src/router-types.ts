/**
 * Result types of the server's router, derived through the client type (so
 * they follow the router as it changes and match what calls resolve with).
 */
import type { TollgateClient } from "./create-client.js";

type Output<P extends (...args: never) => Promise<unknown>> = Awaited<ReturnType<P>>;

/** A completed sign-in: the user and when the access token expires (epoch ms, server clock). */
export type SignedIn = Extract<Output<TollgateClient["auth"]["login"]["mutate"]>, { accessTokenExpiresAt: number }>;

/** The signed-in user, as a sign-in returns it. */
export type PublicUser = SignedIn["user"];

/** What user.me (and user.updateProfile) return: PublicUser plus `pendingEmail`, an address asked for and not confirmed yet. */
export type Profile = Output<TollgateClient["user"]["me"]["query"]>;

/** auth.login for a user with a second factor: no session yet; complete it with auth.mfa.verify. */
export type MfaRequired = Extract<Output<TollgateClient["auth"]["login"]["mutate"]>, { mfaRequired: true }>;

/** What auth.login resolves with: signed in, or a second factor to give. */
export type SignInResult = SignedIn | MfaRequired;

/** Whether a sign-in's answer (auth.login, auth.resetPassword) asks for a second factor (then call auth.mfa.verify). */
export function needsSecondFactor<T extends object>(result: T): result is Extract<T, { mfaRequired: true }> {
  return "mfaRequired" in result && result.mfaRequired === true;
}
