import { AuthError } from "@tollgate/auth";
import { z } from "zod";
import type { Context } from "../context.js";
import { accountName, recoveryCodeUsedMail } from "../mail/templates.js";
import { audit } from "../procedures/audit.js";
import { accountTokenInput, password } from "../procedures/inputs.js";
import { underCodeCap } from "../procedures/mfa-lockout.js";
import { claimPendingSignIn, clearPendingCookie, withPendingTry } from "../procedures/mfa-pending.js";
import { startSession } from "../procedures/session-issuer.js";
import { limitedCheck } from "../procedures/sign-in-limit.js";
import { matchingStep, newEnrolment, newRecoveryCodes, normalizeRecoveryCode } from "../procedures/totp.js";
import { type AuthMethod, sha256 } from "../stores/mfa-store.js";
import type { UserWithHash } from "../stores/user-store.js";
import { authedProcedure, credentialProcedure, protectedCredentialMutation, router } from "../trpc.js";

const code = z.string().min(1).max(16);
const recoveryCode = z.string().min(1).max(64);
const confirmInput = z.object({ code }).strict();
/** The current password: turning TOTP off, and starting enrolment (a stolen session alone cannot). */
const passwordInput = z.object({ password }).strict();
/** New recovery codes: the current password and a code (a stolen session alone can neither get them nor lock the factor). */
const regenerateInput = z.object({ password, code }).strict();
const verifyInput = z.union([z.object({ code }).strict(), z.object({ recoveryCode }).strict()]);

const wrongCode = () => new AuthError("MFA_CODE_INVALID", "The code is wrong, expired or already used");

async function activeUser(ctx: Context, userId: string): Promise<UserWithHash> {
  const user = await ctx.services.users.findById(userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  return user;
}

/** The user's TOTP secret, decrypted (re-encrypted when sealed under a previous AUTH_SECRET). */
async function openSecret(ctx: Context, userId: string, sealed: string): Promise<string> {
  const { secret, stale } = await ctx.services.totpSecrets.open(userId, sealed);
  if (stale) await ctx.services.mfa.resealTotp(userId, await ctx.services.totpSecrets.seal(userId, secret));
  return secret;
}

/**
 * Checks a TOTP code under the sign-in limit. With `record` (TOTP on), the
 * code's step is stored inside the check, so a replayed code counts as a
 * failure, and the check counts against the account's cap of consecutive
 * wrong codes (underCodeCap). Confirm (TOTP not on yet, the secret just shown
 * to this session) records the step when it turns TOTP on and is not capped:
 * nothing is protected by a factor that is not on.
 */
async function checkTotp(
  ctx: Context,
  user: UserWithHash,
  sealed: string,
  input: string,
  record: boolean,
): Promise<number | undefined> {
  let step: number | undefined;
  const valid = await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
    const checkCode = async () => {
      step = matchingStep(ctx, await openSecret(ctx, user.id, sealed), input);
      if (step === undefined) return false;
      return !record || (await ctx.services.mfa.acceptStep(user.id, step));
    };
    return record ? underCodeCap(ctx, user, checkCode) : checkCode();
  });
  return valid ? step : undefined;
}

/** The current password, under the sign-in limit; wrong: CURRENT_PASSWORD_WRONG (400, never 401). */
async function checkCurrentPassword(ctx: Context, user: UserWithHash, given: string, signal?: AbortSignal) {
  const valid = await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
    const check = await ctx.services.auth.passwords.verify(given, user.passwordHash, { signal });
    return check.valid;
  });
  if (!valid) throw new AuthError("CURRENT_PASSWORD_WRONG", "The password is wrong");
}

/**
 * Signed in, with the current password: a new secret, not yet on. Calling it
 * again replaces an unconfirmed secret. The password is asked here, not at
 * confirm, so a stolen session cannot even see a secret of its own making.
 */
const begin = protectedCredentialMutation.input(passwordInput).mutation(async ({ ctx, input, signal }) => {
  const user = await activeUser(ctx, ctx.session.userId);
  await checkCurrentPassword(ctx, user, input.password, signal);
  const enrolment = await newEnrolment(ctx, user);
  const sealed = await ctx.services.totpSecrets.seal(user.id, enrolment.secret);
  if (!(await ctx.services.mfa.beginTotp(user.id, sealed))) {
    throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on; turn it off first");
  }
  return enrolment;
});

/** A code from the app turns TOTP on; the ten recovery codes are shown this once. */
const confirm = protectedCredentialMutation.input(confirmInput).mutation(async ({ ctx, input }) => {
  const user = await activeUser(ctx, ctx.session.userId);
  const totp = await ctx.services.mfa.findTotp(user.id);
  if (!totp) throw new AuthError("MFA_NOT_ENABLED", "Start the set-up first (auth.mfa.totp.begin)");
  if (totp.enabled) throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on");
  const step = await checkTotp(ctx, user, totp.sealedSecret, input.code, false);
  if (step === undefined) throw wrongCode();
  const recoveryCodes = newRecoveryCodes();
  const hashes = recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c)));
  if (!(await ctx.services.mfa.enableTotp(user.id, step, hashes))) {
    throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on");
  }
  await audit(ctx, { event: "mfa_enabled", userId: user.id, sessionId: ctx.session.sessionId });
  return { recoveryCodes };
});

/** Whether TOTP is on, and how many recovery codes are left (for the account page). */
const status = authedProcedure.query(async ({ ctx }) => {
  const totp = await ctx.services.mfa.findTotp(ctx.session.userId);
  const enabled = totp?.enabled === true;
  return {
    totp: enabled,
    recoveryCodesLeft: enabled ? await ctx.services.mfa.remainingRecoveryCodes(ctx.session.userId) : 0,
  };
});

/**
 * New recovery codes (the old ones stop working), against the current
 * password and a fresh code from the app. The password is checked first: a
 * stolen session without it checks no code, so it can neither count towards
 * the cap (locking the owner out) nor get codes with a lucky guess.
 */
const regenerateRecoveryCodes = protectedCredentialMutation
  .input(regenerateInput)
  .mutation(async ({ ctx, input, signal }) => {
    const user = await activeUser(ctx, ctx.session.userId);
    await checkCurrentPassword(ctx, user, input.password, signal);
    const totp = await ctx.services.mfa.findTotp(user.id);
    if (!totp?.enabled) throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
    if ((await checkTotp(ctx, user, totp.sealedSecret, input.code, true)) === undefined) throw wrongCode();
    const recoveryCodes = newRecoveryCodes();
    const hashes = recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c)));
    if (!(await ctx.services.mfa.replaceRecoveryCodes(user.id, hashes))) {
      throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
    }
    await audit(ctx, { event: "recovery_codes_regenerated", userId: user.id, sessionId: ctx.session.sessionId });
    return { recoveryCodes };
  });

/** Turning TOTP off needs the password. */
const disable = protectedCredentialMutation.input(passwordInput).mutation(async ({ ctx, input, signal }) => {
  const user = await activeUser(ctx, ctx.session.userId);
  await checkCurrentPassword(ctx, user, input.password, signal);
  if (!(await ctx.services.mfa.removeTotp(user.id))) {
    throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
  }
  await audit(ctx, { event: "mfa_disabled", userId: user.id, sessionId: ctx.session.sessionId });
  return { ok: true as const };
});

/** Completes a sign-in that needs a second factor: the pending cookie and a TOTP or recovery code. */
const verify = credentialProcedure.input(verifyInput).mutation(async ({ ctx, input }) => {
  const { mfa } = ctx.services;
  const pending = await claimPendingSignIn(ctx);
  const user = await activeUser(ctx, pending.userId);
  const totp = await mfa.findTotp(user.id);
  if (!totp?.enabled) throw new AuthError("MFA_PENDING_INVALID", "Sign in again: two-step sign-in was turned off");
  let method: AuthMethod;
  if ("code" in input) {
    const step = await withPendingTry(ctx, pending.tokenHash, () =>
      checkTotp(ctx, user, totp.sealedSecret, input.code, true),
    );
    if (step === undefined) {
      await audit(ctx, { event: "mfa_failed", userId: user.id, username: user.username });
      throw wrongCode();
    }
    method = "password+totp";
  } else {
    const hash = sha256(normalizeRecoveryCode(input.recoveryCode));
    const used = await withPendingTry(ctx, pending.tokenHash, () =>
      limitedCheck(ctx, { username: user.username, userId: user.id }, () => mfa.useRecoveryCode(user.id, hash)),
    );
    if (!used) {
      await audit(ctx, { event: "mfa_failed", userId: user.id, username: user.username });
      throw wrongCode();
    }
    // The owner's way past a locked factor: a recovery code also clears the lock.
    await mfa.clearFailedCodes(user.id);
    method = "recovery_code";
  }
  // Single use: of two requests with one pending cookie, only one signs in.
  if (!(await mfa.consumePending(pending.tokenHash, user.id))) {
    throw new AuthError("MFA_PENDING_INVALID", "Sign in again: the sign-in expired or was completed");
  }
  clearPendingCookie(ctx);
  const { signedIn, sessionId } = await startSession(ctx, user, method);
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId, detail: method });
  if (method === "recovery_code") {
    await audit(ctx, { event: "recovery_code_used", userId: user.id, sessionId });
    if (user.email) {
      const left = await mfa.remainingRecoveryCodes(user.id);
      await ctx.services.mailer.enqueue(recoveryCodeUsedMail(user.email, accountName(user), left), { kind: "notice" });
    }
  }
  return signedIn;
});

/** The sign-in limit's key for unlock-link guesses: counted per client network. */
const MFA_UNLOCK_KEY = "\u0000mfa-unlock";

/**
 * The link mailed when the factor locked: clears the consecutive wrong codes.
 * The token has 256 bits; its guesses are limited per client network only
 * (networkOnly), so nobody can slow another network's unlock.
 */
const unlock = credentialProcedure.input(accountTokenInput).mutation(async ({ ctx, input }) => {
  let grant: Awaited<ReturnType<typeof ctx.services.tokens.consume>>;
  await limitedCheck(ctx, { username: MFA_UNLOCK_KEY, networkOnly: true }, async () => {
    grant = await ctx.services.tokens.consume(input.token, "mfa_unlock");
    return grant !== undefined;
  });
  if (!grant) throw new AuthError("LINK_INVALID", "The link is invalid, expired or already used");
  // Kept with its time: a lock within 24 hours of it mails no new link (mfa-lockout.ts).
  await ctx.services.mfa.unlockByLink(grant.userId);
  await audit(ctx, { event: "mfa_unlocked", userId: grant.userId });
  return { ok: true as const };
});

export const mfaRouter = router({
  verify,
  unlock,
  status,
  totp: router({ begin, confirm, disable }),
  recoveryCodes: router({ regenerate: regenerateRecoveryCodes }),
});
