/**
 * Passkeys in one call each: the browser ceremony (@simplewebauthn/browser,
 * which turns the server's WebAuthn JSON into navigator.credentials calls and
 * back) and the procedure that checks its answer. Browser only.
 */
import {
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import type { TollgateClient } from "./create-client.js";
import type { StepUpProof } from "./step-up.js";

type PasskeyProcedures = TollgateClient["auth"]["passkey"];
type Output<P extends (...args: never) => Promise<unknown>> = Awaited<ReturnType<P>>;

/** A client whose router has Tollgate's passkey procedures (the default router, or an app's that merges it). */
export interface PasskeyClient {
  readonly auth: {
    readonly passkey: Pick<PasskeyProcedures, "registerOptions" | "register" | "loginOptions" | "login" | "mfaOptions">;
    readonly mfa: { readonly verify: Pick<TollgateClient["auth"]["mfa"]["verify"], "mutate"> };
  };
}

/** What registerPasskey resolves with: the new passkey's id and name. */
export type RegisteredPasskey = Output<PasskeyProcedures["register"]["mutate"]>;
/** What a sign-in with a passkey resolves with (as auth.login: signed in; never a second factor to give). */
export type PasskeySignIn = Output<PasskeyProcedures["login"]["mutate"]>;
/** What auth.mfa.verify resolves with: signed in. */
export type SecondFactorSignIn = Output<TollgateClient["auth"]["mfa"]["verify"]["mutate"]>;

export interface RegisterPasskeyOptions {
  /** The passkey's name in the account's list; the server names it after the kind of device otherwise. */
  readonly name?: string;
  /**
   * The current password: adding a passkey is a sensitive action. Without
   * it, a session whose last proof is older than STEP_UP_MAX_AGE is refused
   * with STEP_UP_REQUIRED before the browser prompts (wrap the call in
   * withStepUp to ask and retry).
   */
  readonly password?: string;
}

/** Creates a passkey for the signed-in user on this device, and registers it. */
export async function registerPasskey(
  client: PasskeyClient,
  options: RegisterPasskeyOptions = {},
): Promise<RegisteredPasskey> {
  const optionsJSON = await client.auth.passkey.registerOptions.mutate(
    options.password === undefined ? undefined : { password: options.password },
  );
  const response = await startRegistration({ optionsJSON });
  return client.auth.passkey.register.mutate(
    options.name === undefined ? { response } : { response, name: options.name },
  );
}

export interface SignInWithPasskeyOptions {
  /** Offer that account's passkeys; without it the browser offers every passkey it holds for this site. */
  readonly username?: string;
  /**
   * The browser's autofill UI (conditional mediation): the call waits until
   * the user picks a passkey in the username field's suggestions (the field
   * needs `autocomplete="username webauthn"`). Start it when the page loads.
   */
  readonly autofill?: boolean;
}

/** Signs in with a passkey alone (user verification required: two factors). */
export async function signInWithPasskey(
  client: PasskeyClient,
  options: SignInWithPasskeyOptions = {},
): Promise<PasskeySignIn> {
  const optionsJSON = await client.auth.passkey.loginOptions.mutate(
    options.username === undefined ? {} : { username: options.username },
  );
  const response = await startAuthentication({ optionsJSON, useBrowserAutofill: options.autofill === true });
  return client.auth.passkey.login.mutate({ response });
}

/** Completes a sign-in that answered `{ mfaRequired, methods }` naming "passkey", with one of the user's passkeys. */
export async function passkeySecondFactor(client: PasskeyClient): Promise<SecondFactorSignIn> {
  const { passkey } = await client.auth.passkey.mfaOptions.mutate();
  const response = await startAuthentication({ optionsJSON: passkey });
  return client.auth.mfa.verify.mutate({ passkey: response });
}

/** A client that can step up (every Tollgate client). */
export interface StepUpOptionsClient {
  readonly auth: { readonly stepUp: { readonly options: Pick<TollgateClient["auth"]["stepUp"]["options"], "mutate"> } };
}

/**
 * A step-up proof by one of the signed-in user's passkeys, for withStepUp's
 * `prove` (or auth.stepUp.verify): asks the server for a challenge
 * (auth.stepUp.options) and runs the browser's prompt. Rejects when the user
 * has no passkey or cancels the prompt.
 */
export async function passkeyStepUpProof(client: StepUpOptionsClient): Promise<StepUpProof> {
  const { prepared } = await client.auth.stepUp.options.mutate();
  // auth.stepUp.options keys each factor's prepared data by its name; the passkey factor's is { passkey: request options }.
  const optionsJSON = prepared.passkey?.passkey as PublicKeyCredentialRequestOptionsJSON | undefined;
  if (optionsJSON === undefined) throw new Error("This account has no passkey to confirm it is you");
  const response = await startAuthentication({ optionsJSON });
  return { passkey: response };
}

/** Whether the browser offers passkeys in a field's autofill (then start signInWithPasskey({ autofill: true })). */
export function supportsPasskeyAutofill(): Promise<boolean> {
  return browserSupportsWebAuthnAutofill();
}
