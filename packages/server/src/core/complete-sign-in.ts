import type { Context } from "../context.js";
import type { SecondFactorName } from "../methods/method.js";
import type { UserWithHash } from "../stores/user-store.js";
import { startPendingSignIn } from "./pending-sign-in.js";
import { methodsOf } from "./served-methods.js";
import { type SignedIn, type SignInProof, startSession } from "./session-start.js";

/** The answer while a second factor is still to give: no session yet, only a pending cookie for auth.mfa.verify. */
export interface MfaRequired {
  mfaRequired: true;
  methods: SecondFactorName[];
}

/**
 * The second factors `user` must give, as auth.login names them (every
 * configured method with a second factor is asked); empty when none is on.
 */
export async function secondFactorsOf(ctx: Context, user: UserWithHash): Promise<SecondFactorName[]> {
  const names: SecondFactorName[] = [];
  for (const method of methodsOf(ctx.services)) {
    const challenge = await method.secondFactor?.challenge(ctx, user);
    if (challenge) names.push(...challenge);
  }
  return names;
}

export type SignInOutcome =
  | { readonly pending: MfaRequired; readonly signedIn?: undefined; readonly sessionId?: undefined }
  | { readonly pending?: undefined; readonly signedIn: SignedIn; readonly sessionId: string };

/**
 * The end of every first-factor sign-in (`proof`: what the first factor
 * proved; the second factor's proof is united with it) (a password, a reset link, and the
 * methods to come): with a second factor on, a pending sign-in that
 * auth.mfa.verify completes; without, the session. `secondFactors` when the
 * caller already asked (auth.login asks inside its limited check).
 */
export async function completeSignIn(
  ctx: Context,
  user: UserWithHash,
  proof: SignInProof,
  secondFactors?: readonly SecondFactorName[],
): Promise<SignInOutcome> {
  const methods = secondFactors ?? (await secondFactorsOf(ctx, user));
  if (methods.length > 0) {
    // Second factors on for the user that hand out data before the answer (a passkey's options).
    const preparing: string[] = [];
    for (const method of methodsOf(ctx.services)) {
      if (method.secondFactor?.prepare && (await method.secondFactor.challenge(ctx, user))) preparing.push(method.id);
    }
    await startPendingSignIn(ctx, user.id, proof.amr, preparing);
    return { pending: { mfaRequired: true, methods: [...methods] } };
  }
  return startSession(ctx, user, proof);
}
