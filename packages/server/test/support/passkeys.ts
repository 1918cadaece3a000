import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { data } from "@tollgate/testing";
import { expect } from "vitest";
import { createCredential, type SoftCredential } from "../fixtures/soft-authenticator.js";
import type { TestBrowser } from "./http-client.js";

/** Registers a new software passkey for the browser's signed-in user: the credential, to sign with later. */
export async function registerPasskey(
  browser: TestBrowser,
  name?: string,
  backedUp = false,
): Promise<{ credential: SoftCredential; id: string; name: string }> {
  const options = data<PublicKeyCredentialCreationOptionsJSON>(await browser.mutation("auth.passkey.registerOptions"));
  const { credential, response } = createCredential(options, { origin: browser.baseUrl, backedUp });
  const res = await browser.mutation("auth.passkey.register", name === undefined ? { response } : { response, name });
  expect(res.status).toBe(200);
  return { credential, ...data<{ id: string; name: string }>(res) };
}

/** auth.passkey.loginOptions, as a page asks before a sign-in with a passkey. */
export async function loginOptions(
  browser: TestBrowser,
  username?: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const res = await browser.mutation("auth.passkey.loginOptions", username === undefined ? {} : { username });
  expect(res.status).toBe(200);
  return data<PublicKeyCredentialRequestOptionsJSON>(res);
}
