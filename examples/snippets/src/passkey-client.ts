import { needsSecondFactor } from "@tollgate/client-sdk";
import { passkeySecondFactor, registerPasskey, signInWithPasskey } from "@tollgate/client-sdk/passkey";
import { api } from "./client.js";

// Browser only: @tollgate/client-sdk/passkey runs the ceremony with @simplewebauthn/browser.
export async function addPasskey(password: string) {
  // A sensitive action: a recent sign-in or step-up (else wrap it in withStepUp), or the current password.
  return registerPasskey(api, { name: "Laptop", password }); // → { id, name }
}

export async function passkeySignIn() {
  return signInWithPasskey(api); // no username: discoverable passkeys
}

export function passkeyAutofill() {
  // The username field needs autocomplete="username webauthn".
  return signInWithPasskey(api, { autofill: true });
}

export async function passwordThenPasskey(username: string, password: string) {
  const result = await api.auth.login.mutate({ username, password });
  if (needsSecondFactor(result) && result.methods.includes("passkey")) return passkeySecondFactor(api);
  return result;
}
