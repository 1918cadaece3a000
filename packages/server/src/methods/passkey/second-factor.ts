import { z } from "zod";
import type { Context } from "../../context.js";
import { requireActiveUser } from "../../core/active-user.js";
import { pendingSignInUser } from "../../core/pending-sign-in.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import type { UserWithHash } from "../../stores/user-store.js";
import { credentialProcedure } from "../../trpc.js";
import type { AuthenticationMethodReference, SecondFactor } from "../method.js";
import { checkAssertion } from "./assertion.js";
import { storeChallenge, takeChallenge } from "./challenges.js";
import { authenticationResponse } from "./inputs.js";
import { type RequestOptions, requestOptions } from "./options-json.js";
import { relyingParty } from "./relying-party.js";
import { passkeyStore } from "./state.js";
import { webauthn } from "./webauthn.js";

const verifyInput = z.object({ passkey: authenticationResponse }).strict();
export type PasskeyVerifyInput = z.infer<typeof verifyInput>;

/** Request options for `user`'s passkeys, the challenge stored for that user (replacing an earlier one). */
async function prepare(ctx: Context, user: UserWithHash): Promise<{ passkey: RequestOptions }> {
  const passkeys = await passkeyStore(ctx.services).listFor(user.id);
  const options = await (await webauthn()).server.generateAuthenticationOptions({
    rpID: relyingParty(ctx).id,
    allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
    // The password was the first factor: presence suffices; verification is recorded (amr "user") when done.
    userVerification: "preferred",
  });
  await storeChallenge(ctx, options.challenge, "second_factor", user.id);
  return { passkey: requestOptions(options) };
}

/**
 * A passkey as the second factor after a password, beside TOTP: asked for
 * when the user has one. `prepare` hands out request options for that user's
 * passkeys (its challenge stored for the user, replacing an earlier one);
 * `verify` takes the challenge the answer names only if it was handed to
 * this user, so it works the same for a pending sign-in and for a signed-in
 * user re-proving who they are (step-up).
 */
export const passkeySecondFactor: SecondFactor<PasskeyVerifyInput> = {
  async challenge(ctx, user) {
    const passkeys = await passkeyStore(ctx.services).listFor(user.id);
    return passkeys.length > 0 ? ["passkey"] : undefined;
  },
  input: verifyInput,
  prepare,
  async verify(ctx, user, input) {
    const response = input.passkey;
    const store = passkeyStore(ctx.services);
    let amr: AuthenticationMethodReference[] | undefined;
    await limitedCheck(ctx, { username: user.username, userId: user.id }, async () => {
      const taken = await takeChallenge(ctx, response.response.clientDataJSON, "second_factor");
      if (taken?.userId !== user.id) return false;
      const passkey = await store.find(response.id);
      // Another user's passkey never proves this user.
      if (passkey?.userId !== user.id) return false;
      const checked = await checkAssertion(ctx, response, passkey, taken.challenge, false);
      if (!checked) return false;
      amr = [checked.backedUp ? "swk" : "hwk", ...(checked.userVerified ? (["user"] as const) : [])];
      return true;
    });
    return amr && { authMethod: "password+passkey", amr };
  },
};

/**
 * auth.passkey.mfaOptions: the request options for the second factor of the
 * pending sign-in (its cookie is sent to this procedure's URL too); takes
 * none of the pending sign-in's tries. A mutation: it stores the challenge.
 * Marked as a credential procedure: it reads the pending sign-in's cookie, so
 * like auth.mfa.verify it travels alone (a batch's URL would not carry the
 * cookie) and clients never take its 401 for an expired session.
 */
export const mfaOptions = credentialProcedure.mutation(async ({ ctx }) => {
  const user = await requireActiveUser(ctx.services.users, await pendingSignInUser(ctx, "passkey"));
  return prepare(ctx, user);
});
