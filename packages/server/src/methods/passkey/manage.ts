import type { verifyRegistrationResponse } from "@simplewebauthn/server";
import { AuthError } from "@tollgate/auth";
import { z } from "zod";
import { requireActiveUser } from "../../core/active-user.js";
import { audit } from "../../core/audit.js";
import { password } from "../../core/inputs.js";
import { confirmSensitiveAction } from "../../core/sensitive-action.js";
import { authedProcedure, protectedCredentialMutation, protectedMutation } from "../../trpc.js";
import { userHandle } from "./assertion.js";
import { storeChallenge, takeChallenge } from "./challenges.js";
import { challengeInvalid, passkeyNotFound, verificationFailed } from "./errors.js";
import { passkeyId, passkeyName, registrationResponse } from "./inputs.js";
import { creationOptions } from "./options-json.js";
import { relyingParty } from "./relying-party.js";
import { passkeyStore } from "./state.js";
import { type WebAuthn, webauthn } from "./webauthn.js";

/**
 * EdDSA, ES256, RS256: the library's documented default, given explicitly so
 * it never probes the runtime for post-quantum algorithms (an experimental
 * Web Crypto call on Node 24 that warns on every registration).
 */
const algorithms = ({ helpers: { COSEALG } }: WebAuthn) => [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

/** Passkeys one account may hold: enough for every device, bounded so nobody fills the table. */
export const MAX_PASSKEYS = 20;

/**
 * Creation options for a new passkey of the signed-in user: a discoverable
 * credential (sign-in without a username), user verification required (a
 * passkey alone is two factors), no attestation (nothing is trusted from
 * it), the user's existing passkeys excluded.
 *
 * Adding a way to sign in is a sensitive action: the current password, or a
 * recent sign-in or step-up (confirmSensitiveAction), or STEP_UP_REQUIRED.
 * It is asked here, before the browser's prompt: register then takes only a
 * challenge this call handed to this user (single use, short lived), so a
 * stolen session alone can never add its own passkey.
 */
const registerOptions = protectedCredentialMutation
  .input(z.object({ password: password.optional() }).strict().optional())
  .mutation(async ({ ctx, input, signal }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    await confirmSensitiveAction(ctx, ctx.session, user, input?.password, { signal });
    const rp = relyingParty(ctx);
    const existing = await passkeyStore(ctx.services).listFor(user.id);
    const lib = await webauthn();
    const options = await lib.server.generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.username,
      userDisplayName: [user.firstName, user.lastName].filter(Boolean).join(" ") || user.username,
      userID: userHandle(lib, user.id),
      attestationType: "none",
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      supportedAlgorithmIDs: algorithms(lib),
    });
    await storeChallenge(ctx, options.challenge, "register", user.id);
    return creationOptions(options);
  });

/** Names a new passkey after the kind of device when its owner gave none. */
function defaultName(deviceType: string, count: number): string {
  return `${deviceType === "multiDevice" ? "Synced passkey" : "Passkey"} ${count + 1}`;
}

/**
 * Verifies the authenticator's answer to registerOptions (this user's own
 * challenge, single use; origin, RP ID, user verification) and stores the
 * passkey with its counter, device type and backed-up flag.
 */
const register = protectedMutation
  .input(z.object({ response: registrationResponse, name: passkeyName.optional() }).strict())
  .mutation(async ({ ctx, input }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    const store = passkeyStore(ctx.services);
    const taken = await takeChallenge(ctx, input.response.response.clientDataJSON, "register");
    if (!taken || taken.userId !== user.id) throw challengeInvalid();
    const rp = relyingParty(ctx);
    const lib = await webauthn();
    let info: NonNullable<Awaited<ReturnType<typeof verifyRegistrationResponse>>["registrationInfo"]>;
    try {
      const result = await lib.server.verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: taken.challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: algorithms(lib),
      });
      if (!result.verified) throw verificationFailed();
      info = result.registrationInfo;
    } catch (err) {
      if (err instanceof AuthError) throw err;
      ctx.services.logger.info(
        { reason: err instanceof Error ? err.message : String(err) },
        "passkey registration refused",
      );
      throw verificationFailed();
    }
    const existing = await store.listFor(user.id);
    if (existing.length >= MAX_PASSKEYS) {
      throw new AuthError("PASSKEY_LIMIT", `An account holds at most ${MAX_PASSKEYS} passkeys: remove one first`);
    }
    const name = input.name ?? defaultName(info.credentialDeviceType, existing.length);
    const added = await store.add({
      id: info.credential.id,
      userId: user.id,
      name,
      publicKey: lib.helpers.isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: input.response.response.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    });
    // A credential id is unique: the same authenticator registered twice (excludeCredentials usually prevents it).
    if (!added) throw new AuthError("PASSKEY_ALREADY_REGISTERED", "This passkey is already registered");
    await audit(ctx, {
      event: "credential_added",
      userId: user.id,
      sessionId: ctx.session.sessionId,
      detail: "passkey",
    });
    return { id: info.credential.id, name };
  });

/** The signed-in user's passkeys (never their keys). */
const list = authedProcedure.query(async ({ ctx }) => {
  const passkeys = await passkeyStore(ctx.services).listFor(ctx.session.userId);
  return passkeys.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt.getTime(),
    lastUsedAt: p.lastUsedAt === null ? null : p.lastUsedAt.getTime(),
    deviceType: p.deviceType,
    backedUp: p.backedUp,
  }));
});

const rename = protectedMutation
  .input(z.object({ id: passkeyId, name: passkeyName }).strict())
  .mutation(async ({ ctx, input }) => {
    if (!(await passkeyStore(ctx.services).rename(ctx.session.userId, input.id, input.name))) throw passkeyNotFound();
    return { id: input.id, name: input.name };
  });

/**
 * Removes one of the user's passkeys: a sensitive action (the current
 * password, or a recent sign-in or step-up). Every account has a password
 * today, so removing the last passkey never locks its owner out (see SECURITY.md).
 */
const remove = protectedCredentialMutation
  .input(z.object({ id: passkeyId, password: password.optional() }).strict())
  .mutation(async ({ ctx, input, signal }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    await confirmSensitiveAction(ctx, ctx.session, user, input.password, { signal });
    if (!(await passkeyStore(ctx.services).remove(user.id, input.id))) throw passkeyNotFound();
    await audit(ctx, {
      event: "credential_removed",
      userId: ctx.session.userId,
      sessionId: ctx.session.sessionId,
      detail: "passkey",
    });
    return { ok: true as const };
  });

export const manageRoutes = { registerOptions, register, list, rename, remove };
