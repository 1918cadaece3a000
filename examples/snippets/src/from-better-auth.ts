import { authCodeOf, needsSecondFactor, withStepUp } from "@tollgate/client-sdk";
import { registerPasskey, signInWithPasskey } from "@tollgate/client-sdk/passkey";
import { api } from "./client.js";

declare function ask(question: string): Promise<string>;

// #region sign-in
// authClient.signUp.email(…): needs SIGNUP=open; the sign-in name is a username.
export const signUp = (username: string, email: string, password: string) =>
  api.auth.signUp.mutate({ username, email, password, firstName: "Ada" });

// authClient.signIn.email(…), then twoFactor.verifyTotp(…) when the account has a second factor.
export async function signIn(username: string, password: string) {
  const result = await api.auth.login.mutate({ username, password });
  if (needsSecondFactor(result)) return api.auth.mfa.verify.mutate({ code: await ask("Code from your app") });
  return result;
}

// authClient.signIn.social({ provider: "google" }): a page navigation, not a call (OIDC_PROVIDERS=google).
export const signInWithGoogle = () => window.location.assign("/auth/oidc/google/start");

// authClient.signIn.passkey()
export const signInPasskey = () => signInWithPasskey(api);

// authClient.emailOtp.sendVerificationOtp(…) / authClient.signIn.emailOtp(…): EMAIL_CODE_SIGN_IN=on.
export const requestCode = (email: string) => api.auth.emailCode.request.mutate({ email });
export const signInWithCode = (email: string, code: string) => api.auth.emailCode.verify.mutate({ email, code });
// #endregion sign-in

// #region sessions
// authClient.getSession(): the user (a database read), or the session from the access token alone.
export const me = () => api.user.me.query();
export const session = () => api.auth.session.query();

// authClient.signOut()
export const signOut = () => api.auth.logout.mutate();

// authClient.listSessions() / authClient.revokeSession({ token }): sessions are named by id.
export async function revokeOtherSessions() {
  const sessions = await api.auth.sessions.query();
  for (const { id, current } of sessions) if (!current) await api.auth.revokeSession.mutate({ id });
}

// authClient.revokeSessions(): a sensitive action, so a step-up may be asked first.
export const signOutEverywhere = () =>
  withStepUp(
    api,
    () => api.auth.logoutAll.mutate(),
    async () => ({ password: await ask("Password") }),
  );
// #endregion sessions

// #region account
// authClient.changePassword(…): always ends the other sessions.
export const changePassword = (currentPassword: string, newPassword: string) =>
  api.auth.changePassword.mutate({ currentPassword, newPassword });

// authClient.requestPasswordReset(…) / authClient.resetPassword(…): the link goes to PUBLIC_ORIGIN/reset-password.
export const requestPasswordReset = (email: string) => api.auth.requestPasswordReset.mutate({ email });
export const resetPassword = (token: string, newPassword: string) =>
  api.auth.resetPassword.mutate({ token, newPassword });

// authClient.sendVerificationEmail(…) / authClient.verifyEmail(…)
export const requestEmailVerification = () => api.auth.requestEmailVerification.mutate();
export const verifyEmail = (token: string) => api.auth.verifyEmail.mutate({ token });

// authClient.updateUser({ name })
export const rename = (firstName: string, lastName: string) => api.user.updateProfile.mutate({ firstName, lastName });

// authClient.twoFactor.enable({ password }): begin, show the QR code, confirm with a code from the app.
export async function enableTotp(password: string) {
  const setup = await api.auth.mfa.totp.begin.mutate({ password });
  return { setup, confirm: (code: string) => api.auth.mfa.totp.confirm.mutate({ code }) };
}

// authClient.passkey.addPasskey({ name })
export const addPasskey = (password: string) => registerPasskey(api, { name: "Laptop", password });
// #endregion account

// #region errors
// better-auth's { error: { code, message } }: Tollgate's errors carry data.authCode.
export async function signInOrSay(username: string, password: string): Promise<string> {
  try {
    await api.auth.login.mutate({ username, password });
    return "signed in";
  } catch (error) {
    return authCodeOf(error) === "INVALID_CREDENTIALS" ? "wrong name or password" : "try again later";
  }
}
// #endregion errors
