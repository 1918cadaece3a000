import type { AuthenticationResponseJSON, verifyAuthenticationResponse } from "@simplewebauthn/server";
import type { Context } from "../../context.js";
import { relyingParty } from "./relying-party.js";
import { passkeyStore } from "./state.js";
import type { StoredPasskey } from "./store.js";
import { type WebAuthn, webauthn } from "./webauthn.js";

/** The WebAuthn user handle of an account: its id's bytes (no personal data; the same for all its passkeys). */
export function userHandle({ helpers }: WebAuthn, userId: string): Uint8Array<ArrayBuffer> {
  const { isoBase64URL } = helpers;
  return isoBase64URL.toBuffer(isoBase64URL.fromUTF8String(userId));
}

/** What a good assertion proved. */
export interface CheckedAssertion {
  readonly passkey: StoredPasskey;
  /** The authenticator verified the user (PIN, biometrics): a passkey is then two factors. */
  readonly userVerified: boolean;
  /** A synced passkey (may be copied): `swk`; bound to one device: `hwk`. */
  readonly backedUp: boolean;
}

/**
 * Checks an assertion for `passkey` against the challenge already taken:
 * origin (own or CORS_ORIGINS), RP ID hash, signature, user presence (and
 * verification when required), a counter that moved forward, a user handle
 * that names the passkey's owner. The counter and backed-up flag are stored
 * by a compare-and-swap, so of two requests with one assertion only one
 * passes. Undefined: refused, for whatever reason (never said which).
 */
export async function checkAssertion(
  ctx: Context,
  response: AuthenticationResponseJSON,
  passkey: StoredPasskey,
  challenge: string,
  requireUserVerification: boolean,
): Promise<CheckedAssertion | undefined> {
  const rp = relyingParty(ctx);
  const lib = await webauthn();
  const { isoBase64URL } = lib.helpers;
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== isoBase64URL.fromBuffer(userHandle(lib, passkey.userId))) return undefined;
  let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>["authenticationInfo"];
  try {
    const result = await lib.server.verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: isoBase64URL.toBuffer(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification,
    });
    if (!result.verified) return undefined;
    info = result.authenticationInfo;
  } catch (err) {
    // The library throws for every mismatch (origin, RP ID, signature, counter): a refusal, logged for operators.
    ctx.services.logger.info({ reason: err instanceof Error ? err.message : String(err) }, "passkey assertion refused");
    return undefined;
  }
  const stored = await passkeyStore(ctx.services).recordUse(
    passkey.id,
    passkey.counter,
    info.newCounter,
    info.credentialBackedUp,
  );
  if (!stored) return undefined;
  return { passkey, userVerified: info.userVerified, backedUp: info.credentialBackedUp };
}
