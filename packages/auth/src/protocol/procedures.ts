/** Contract: a batch holds at most this many calls; the server refuses larger ones with 400 before running any. */
export const MAX_BATCH_SIZE = 10;

/**
 * Tollgate's procedures that check a password, a code or a passkey (and
 * auth.passkey.mfaOptions, which reads the pending sign-in's cookie). The server refuses
 * them inside a batch of more than one (it reads each procedure's
 * `checksCredentials` meta; a server test keeps this list equal to it), and
 * their UNAUTHORIZED means "wrong credentials", never "signed out".
 */
export const CREDENTIAL_PROCEDURES = [
  "auth.login",
  "auth.signUp",
  "auth.changePassword",
  "auth.resetPassword",
  "auth.setup",
  "auth.mfa.verify",
  "auth.mfa.unlock",
  "auth.mfa.totp.begin",
  "auth.mfa.totp.confirm",
  "auth.mfa.totp.disable",
  "auth.mfa.recoveryCodes.regenerate",
  "auth.stepUp.verify",
  "auth.passkey.registerOptions",
  "auth.passkey.remove",
  "auth.passkey.login",
  "auth.passkey.mfaOptions",
  "auth.emailCode.verify",
  "auth.identities.unlink",
] as const;

/** Rotates the refresh token; its cookie's Path is this procedure's own URL. */
export const REFRESH_PROCEDURE = "auth.refresh";

/** Procedures after whose success the caller is signed out. */
export const SIGN_OUT_PROCEDURES = ["auth.logout", "auth.logoutAll"] as const;
