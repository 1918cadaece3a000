import { AuthError, combineAmr } from "@tollgate/auth";
import { z } from "zod";
import { requireActiveUser } from "../core/active-user.js";
import { audit } from "../core/audit.js";
import { claimPendingSignIn, clearPendingCookie, withPendingTry } from "../core/pending-sign-in.js";
import { startSession } from "../core/session-start.js";
import type { AnySignInMethod, SecondFactor, SecondFactorInput } from "../methods/method.js";
import { credentialProcedure } from "../trpc.js";

const pendingInvalid = () =>
  new AuthError("MFA_PENDING_INVALID", "Sign in again: the sign-in expired or was completed");

/**
 * auth.mfa.verify: completes a sign-in that needs a second factor, with the
 * pending cookie and what one of the methods' second factors takes (their
 * inputs are told apart by their keys). Single use: of two requests with one
 * pending cookie, only one signs in.
 */
export function mfaVerify(methods: readonly AnySignInMethod[]) {
  const factors: SecondFactor[] = methods.flatMap((m) => (m.secondFactor ? [m.secondFactor] : []));
  const schemas = factors.map((f) => f.input);
  // With no second factor configured nothing can be pending: every input is refused as the wrong shape.
  const input = (schemas.length === 0 ? z.never() : z.union(schemas as [z.ZodType, ...z.ZodType[]])) as z.ZodType<
    SecondFactorInput,
    SecondFactorInput
  >;
  return credentialProcedure.input(input).mutation(async ({ ctx, input: given }) => {
    const pending = await claimPendingSignIn(ctx);
    const user = await requireActiveUser(ctx.services.users, pending.userId);
    const factor = factors.find((f) => f.input.safeParse(given).success);
    if (!factor) throw pendingInvalid();
    const proof = await withPendingTry(ctx, pending.tokenHash, () => factor.verify(ctx, user, given as object));
    if (!proof) {
      await audit(ctx, { event: "mfa_failed", userId: user.id, username: user.username });
      throw new AuthError("MFA_CODE_INVALID", "The code is wrong, expired or already used");
    }
    if (!(await ctx.services.pendingSignIns.consume(pending.tokenHash, user.id))) throw pendingInvalid();
    clearPendingCookie(ctx);
    // The session records both factors: the first (kept with the pending sign-in) and this one.
    const amr = combineAmr(pending.amr, proof.amr);
    const { signedIn, sessionId } = await startSession(ctx, user, { authMethod: proof.authMethod, amr });
    ctx.services.metrics.signIn("success");
    await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId, detail: proof.authMethod });
    await proof.afterSignIn?.(sessionId);
    return signedIn;
  });
}
