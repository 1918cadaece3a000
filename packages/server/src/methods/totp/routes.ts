import { AuthError } from "@tollgate/auth";
import { z } from "zod";
import { requireActiveUser } from "../../core/active-user.js";
import { audit } from "../../core/audit.js";
import { accountTokenInput, password } from "../../core/inputs.js";
import { confirmSensitiveAction } from "../../core/sensitive-action.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { hashToken } from "../../stores/token-hash.js";
import { authedProcedure, credentialProcedure, protectedCredentialMutation, router } from "../../trpc.js";
import { checkTotp } from "./check.js";
import { newEnrolment, newRecoveryCodes, normalizeRecoveryCode } from "./codes.js";
import { totpState } from "./state.js";

export const totpCode = z.string().min(1).max(16);
const confirmInput = z.object({ code: totpCode }).strict();
/**
 * Turning TOTP off, and starting enrolment: the current password, or none
 * with a recent sign-in or step-up (confirmSensitiveAction): a stolen session
 * alone cannot.
 */
const passwordInput = z.object({ password: password.optional() }).strict().optional();
/** New recovery codes: a code, and the current password or a recent step-up (a stolen session alone can neither get them nor lock the factor). */
const regenerateInput = z.object({ password: password.optional(), code: totpCode }).strict();

export const wrongCode = () => new AuthError("MFA_CODE_INVALID", "The code is wrong, expired or already used");

/** What is stored of a recovery code: case, spaces and dashes do not matter when typing it. */
export const recoveryCodeHash = (code: string) => hashToken(normalizeRecoveryCode(code));

/**
 * Signed in, with the current password or a recent step-up: a new secret, not yet on. Calling it
 * again replaces an unconfirmed secret. The password is asked here, not at
 * confirm, so a stolen session cannot even see a secret of its own making.
 */
const begin = protectedCredentialMutation.input(passwordInput).mutation(async ({ ctx, input, signal }) => {
  const { store, secrets } = totpState(ctx.services);
  const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
  await confirmSensitiveAction(ctx, ctx.session, user, input?.password, { signal });
  const enrolment = await newEnrolment(ctx, user);
  const sealed = await secrets.seal(user.id, enrolment.secret);
  if (!(await store.beginTotp(user.id, sealed))) {
    throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on; turn it off first");
  }
  return enrolment;
});

/** A code from the app turns TOTP on; the ten recovery codes are shown this once. */
const confirm = protectedCredentialMutation.input(confirmInput).mutation(async ({ ctx, input }) => {
  const { store } = totpState(ctx.services);
  const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
  const totp = await store.findTotp(user.id);
  if (!totp) throw new AuthError("MFA_NOT_ENABLED", "Start the set-up first (auth.mfa.totp.begin)");
  if (totp.enabled) throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on");
  const step = await checkTotp(ctx, user, totp.sealedSecret, input.code, false);
  if (step === undefined) throw wrongCode();
  const recoveryCodes = newRecoveryCodes();
  if (!(await store.enableTotp(user.id, step, recoveryCodes.map(recoveryCodeHash)))) {
    throw new AuthError("MFA_ALREADY_ENABLED", "Two-step sign-in is already on");
  }
  await audit(ctx, { event: "mfa_enabled", userId: user.id, sessionId: ctx.session.sessionId });
  return { recoveryCodes };
});

/** Whether TOTP is on, and how many recovery codes are left (for the account page). */
const status = authedProcedure.query(async ({ ctx }) => {
  const { store } = totpState(ctx.services);
  const totp = await store.findTotp(ctx.session.userId);
  const enabled = totp?.enabled === true;
  return {
    totp: enabled,
    recoveryCodesLeft: enabled ? await store.remainingRecoveryCodes(ctx.session.userId) : 0,
  };
});

/**
 * New recovery codes (the old ones stop working), against the current
 * password (or a recent step-up) and a fresh code from the app. The password
 * or step-up is checked first: a stolen session without it checks no code, so it can neither count towards
 * the cap (locking the owner out) nor get codes with a lucky guess.
 */
const regenerateRecoveryCodes = protectedCredentialMutation
  .input(regenerateInput)
  .mutation(async ({ ctx, input, signal }) => {
    const { store } = totpState(ctx.services);
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    await confirmSensitiveAction(ctx, ctx.session, user, input.password, { signal });
    const totp = await store.findTotp(user.id);
    if (!totp?.enabled) throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
    if ((await checkTotp(ctx, user, totp.sealedSecret, input.code, true)) === undefined) throw wrongCode();
    const recoveryCodes = newRecoveryCodes();
    if (!(await store.replaceRecoveryCodes(user.id, recoveryCodes.map(recoveryCodeHash)))) {
      throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
    }
    await audit(ctx, { event: "recovery_codes_regenerated", userId: user.id, sessionId: ctx.session.sessionId });
    return { recoveryCodes };
  });

/** Turning TOTP off needs the password or a recent step-up. */
const disable = protectedCredentialMutation.input(passwordInput).mutation(async ({ ctx, input, signal }) => {
  const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
  await confirmSensitiveAction(ctx, ctx.session, user, input?.password, { signal });
  if (!(await totpState(ctx.services).store.removeTotp(user.id))) {
    throw new AuthError("MFA_NOT_ENABLED", "Two-step sign-in is not on");
  }
  await audit(ctx, { event: "mfa_disabled", userId: user.id, sessionId: ctx.session.sessionId });
  return { ok: true as const };
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
  // Kept with its time: a lock within 24 hours of it mails no new link (lockout.ts).
  await totpState(ctx.services).store.unlockByLink(grant.userId);
  await audit(ctx, { event: "mfa_unlocked", userId: grant.userId });
  return { ok: true as const };
});

/** TOTP's procedures under auth.mfa. */
export const totpMfaRoutes = {
  unlock,
  status,
  totp: router({ begin, confirm, disable }),
  recoveryCodes: router({ regenerate: regenerateRecoveryCodes }),
};
