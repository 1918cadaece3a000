import { type Amr, AuthError, serializeCookie } from "@tollgate/auth";
import type { Context } from "../context.js";
import { hashToken, newToken, TOKEN_SHAPE } from "../stores/token-hash.js";
import { singleCookie } from "../trpc.js";
import { methodsOf } from "./served-methods.js";

/** The only URL the pending cookie is sent to (auth.mfa.verify travels alone, never batched). */
export const MFA_VERIFY_PATH = "/trpc/auth.mfa.verify";
/** Five minutes to type the second factor. */
export const MFA_PENDING_TTL = 300;
/** Codes one pending sign-in takes; then the password again. */
export const MFA_PENDING_ATTEMPTS = 3;

function cookieName(ctx: Context): string {
  // Its Path is not "/", so __Host- is impossible: __Secure- with Secure.
  return ctx.services.config.cookieSecure ? "__Secure-mfa_pending" : "mfa_pending";
}

/** The same token, sent only to `auth.<methodId>.mfaOptions`. */
function preparingCookieName(ctx: Context, methodId: string): string {
  return `${cookieName(ctx)}_${methodId}`;
}

/**
 * The pending cookie goes to auth.mfa.verify, and, under a name of its own
 * (cookie jars key cookies by name), to `auth.<id>.mfaOptions` of each of
 * `preparing`: the second factors on for the user that hand out data before
 * the answer (`SecondFactor.prepare`, a passkey's challenge). Each travels
 * alone to its URL.
 */
function pendingCookies(ctx: Context, value: string, maxAge: number, preparing: readonly string[]): string[] {
  return [
    pendingCookie(ctx, cookieName(ctx), MFA_VERIFY_PATH, value, maxAge),
    ...preparing.map((id) =>
      pendingCookie(ctx, preparingCookieName(ctx, id), `/trpc/auth.${id}.mfaOptions`, value, maxAge),
    ),
  ];
}

function pendingCookie(ctx: Context, name: string, path: string, value: string, maxAge: number): string {
  const { config } = ctx.services;
  return serializeCookie(name, value, {
    path,
    domain: config.cookieDomain,
    maxAge,
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: config.cookieSameSite,
  });
}

/**
 * Stores a pending sign-in for `userId` and what its first factor proved
 * (only a hash of its token) and sets its cookie; `preparing`: the ids of the
 * user's second factors that prepare data first (their mfaOptions get the cookie too).
 */
export async function startPendingSignIn(
  ctx: Context,
  userId: string,
  amr: readonly Amr[],
  preparing: readonly string[] = [],
): Promise<void> {
  const token = newToken();
  await ctx.services.pendingSignIns.create(
    hashToken(token),
    userId,
    new Date(ctx.services.now() + MFA_PENDING_TTL * 1000),
    amr,
  );
  ctx.setCookies(pendingCookies(ctx, token, MFA_PENDING_TTL, preparing));
}

/**
 * The pending sign-in the cookie names (its token hash and user), taking one
 * of its MFA_PENDING_ATTEMPTS tries before anything is checked (atomic: of
 * parallel calls with one cookie only three get one), so a fourth checked
 * code with one cookie is MFA_PENDING_INVALID and every three guesses cost a
 * password check too. A call refused before any code was checked gives its
 * try back (withPendingTry).
 */
export async function claimPendingSignIn(
  ctx: Context,
): Promise<{ tokenHash: string; userId: string; amr: readonly Amr[] }> {
  const invalid = () => new AuthError("MFA_PENDING_INVALID", "Sign in again: the sign-in expired or was completed");
  const token = singleCookie(ctx, cookieName(ctx), invalid);
  if (!token || !TOKEN_SHAPE.test(token)) throw invalid();
  const tokenHash = hashToken(token);
  const claimed = await ctx.services.pendingSignIns.claimAttempt(tokenHash, MFA_PENDING_ATTEMPTS);
  if (!claimed) throw invalid();
  return { tokenHash, ...claimed };
}

/**
 * The user of the live pending sign-in the cookie names, without taking one
 * of its tries (nothing is checked): for a second factor's `prepare`.
 */
export async function pendingSignInUser(ctx: Context, methodId: string): Promise<string> {
  const invalid = () => new AuthError("MFA_PENDING_INVALID", "Sign in again: the sign-in expired or was completed");
  const token = singleCookie(ctx, preparingCookieName(ctx, methodId), invalid);
  if (!token || !TOKEN_SHAPE.test(token)) throw invalid();
  const userId = await ctx.services.pendingSignIns.find(hashToken(token), MFA_PENDING_ATTEMPTS);
  if (!userId) throw invalid();
  return userId;
}

/** Refusals decided before any code is checked: they use none of the pending sign-in's tries. */
const REFUSED_UNCHECKED: ReadonlySet<string> = new Set(["RATE_LIMITED", "MFA_LOCKED"]);

/**
 * Runs the code check of a claimed pending sign-in; a refusal before any code
 * was checked (RATE_LIMITED, MFA_LOCKED) gives the claimed try back. A
 * checked wrong code keeps it, so no more than three codes are ever checked.
 */
export async function withPendingTry<T>(ctx: Context, tokenHash: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuthError && REFUSED_UNCHECKED.has(error.code)) {
      await ctx.services.pendingSignIns.releaseAttempt(tokenHash).catch(() => undefined);
    }
    throw error;
  }
}

export function clearPendingCookie(ctx: Context): void {
  const preparing = methodsOf(ctx.services).filter((m) => m.secondFactor?.prepare);
  ctx.setCookies(
    pendingCookies(
      ctx,
      "",
      0,
      preparing.map((m) => m.id),
    ),
  );
}
