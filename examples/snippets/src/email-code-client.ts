import { needsSecondFactor } from "@tollgate/client-sdk";
import { api } from "./client.js";

// EMAIL_CODE_SIGN_IN=on: a six-digit code (or the mailed link's token) signs in.
export async function requestCode(email: string) {
  return api.auth.emailCode.request.mutate({ email }); // always { ok: true }, whether or not an account has it
}

export async function signInWithCode(email: string, code: string, askTotp: () => Promise<string>) {
  const result = await api.auth.emailCode.verify.mutate({ email, code }); // or { token } from the link
  // A mailed code is one factor: a second factor on the account is still asked, as after a password.
  if (needsSecondFactor(result)) return api.auth.mfa.verify.mutate({ code: await askTotp() });
  return result;
}
