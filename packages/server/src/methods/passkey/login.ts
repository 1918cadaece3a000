import { AuthError, usernameLookupForm } from "@tollgate/auth";
import { z } from "zod";
import { audit } from "../../core/audit.js";
import { completeSignIn } from "../../core/complete-sign-in.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import type { UserWithHash } from "../../stores/user-store.js";
import { credentialProcedure, publicProcedure } from "../../trpc.js";
import { type CheckedAssertion, checkAssertion } from "./assertion.js";
import { storeChallenge, takeChallenge } from "./challenges.js";
import { challengeInvalid, verificationFailed } from "./errors.js";
import { authenticationResponse } from "./inputs.js";
import { requestOptions } from "./options-json.js";
import { relyingParty } from "./relying-party.js";
import { passkeyStore } from "./state.js";
import { webauthn } from "./webauthn.js";

/** The sign-in limit's key for assertions whose credential is unknown: counted per client network only. */
const UNKNOWN_PASSKEY_KEY = "\u0000passkey";

/**
 * Request options for a sign-in with a passkey. Without a username: empty
 * allowCredentials, so the browser offers the discoverable passkeys it holds
 * (and its autofill list), and the answer tells nothing about any account.
 * With one: that account's passkeys (for authenticators that keep no
 * discoverable credential), which says whether the account has any, as every
 * username-first WebAuthn sign-in does. User verification is required: a
 * passkey alone then counts as two factors. A mutation: it stores the challenge.
 */
const loginOptions = publicProcedure
  .input(
    z
      .object({ username: z.string().min(1).max(150).optional() })
      .strict()
      .optional(),
  )
  .mutation(async ({ ctx, input }) => {
    const rp = relyingParty(ctx);
    const user = input?.username === undefined ? undefined : await ctx.services.users.findByUsername(input.username);
    const passkeys = user ? await passkeyStore(ctx.services).listFor(user.id) : [];
    const options = await (await webauthn()).server.generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
      userVerification: "required",
    });
    // Bound to the user only when their passkeys were offered: the answer must come from one of them.
    await storeChallenge(ctx, options.challenge, "login", passkeys.length > 0 && user ? user.id : null);
    return requestOptions(options);
  });

/**
 * Signs in with a passkey alone: the challenge (single use, unexpired, of a
 * sign-in; bound to an account when loginOptions named one) is taken first,
 * then the assertion is checked under the sign-in limit, counted on the
 * passkey owner's account. User verification is required, so it is two
 * factors: the session starts at once, through completeSignIn like a
 * password's, with authMethod "passkey".
 */
const login = credentialProcedure
  .input(z.object({ response: authenticationResponse }).strict())
  .mutation(async ({ ctx, input }) => {
    const store = passkeyStore(ctx.services);
    const passkey = await store.find(input.response.id);
    const owner: UserWithHash | undefined = passkey && (await ctx.services.users.findById(passkey.userId));
    let checked: CheckedAssertion | undefined;
    let challengeOk = true;
    await limitedCheck(
      ctx,
      owner
        ? { username: usernameLookupForm(owner.username), userId: owner.id, signIn: true }
        : { username: UNKNOWN_PASSKEY_KEY, networkOnly: true, signIn: true },
      async () => {
        const taken = await takeChallenge(ctx, input.response.response.clientDataJSON, "login");
        if (!taken) {
          challengeOk = false;
          return false;
        }
        if (!passkey || !owner) return false;
        // A challenge handed out for one account is answered by that account's passkeys only.
        if (taken.userId !== null && taken.userId !== owner.id) return false;
        checked = await checkAssertion(ctx, input.response, passkey, taken.challenge, true);
        return checked?.userVerified === true;
      },
    );
    if (!checked || !owner) {
      ctx.services.metrics.signIn("failure");
      await audit(ctx, { event: "login_failed", userId: owner?.id, username: owner?.username, detail: "passkey" });
      throw challengeOk ? verificationFailed() : challengeInvalid();
    }
    if (!owner.isActive) {
      ctx.services.metrics.signIn("failure");
      throw new AuthError("ACCOUNT_INACTIVE", "This account is inactive");
    }
    // No second factor asked: a user-verified passkey is already two (possession and the user's PIN or biometrics).
    // Sign-in refused above unless the user was verified: "user" always holds; a synced passkey is "swk".
    const outcome = await completeSignIn(
      ctx,
      owner,
      { authMethod: "passkey", amr: [checked.backedUp ? "swk" : "hwk", "user"] },
      [],
    );
    if (outcome.pending) return outcome.pending;
    ctx.services.metrics.signIn("success");
    await audit(ctx, { event: "login_succeeded", userId: owner.id, sessionId: outcome.sessionId, detail: "passkey" });
    return outcome.signedIn;
  });

export const loginRoutes = { loginOptions, login };
