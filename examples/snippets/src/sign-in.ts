import { authCodeOf, needsSecondFactor } from "@tollgate/client-sdk";
import { api } from "./client.js";

// auth.login answers a session, or (TOTP or a passkey on) a pending sign-in that needs a second factor.
export async function signIn(username: string, password: string, askCode: () => Promise<string>): Promise<string> {
  try {
    let result = await api.auth.login.mutate({ username, password });
    if (needsSecondFactor(result)) {
      // Only the short-lived pending cookie is set; the code completes the sign-in.
      result = await api.auth.mfa.verify.mutate({ code: await askCode() });
    }
    const me = await api.user.me.query(); // typed from the server's router
    return `${me.username}, until ${new Date(result.accessTokenExpiresAt).toISOString()}`;
  } catch (error) {
    // Branch on data.authCode, never on the message: INVALID_CREDENTIALS, RATE_LIMITED, MFA_CODE_INVALID…
    if (authCodeOf(error) === "INVALID_CREDENTIALS") return "Wrong username or password";
    throw error;
  }
}
