/**
 * Procedures that check a password or a code. The server refuses them inside
 * a batch of more than one, and their UNAUTHORIZED means "wrong credentials",
 * never "signed out".
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
] as const;

export const REFRESH_PROCEDURE = "auth.refresh";

/**
 * The credential checks and auth.refresh: each travels alone through the
 * single (unbatched) link (the refresh cookie's Path is auth.refresh's own
 * URL), never triggers a refresh nor is retried after one, and its success
 * may sign this client in (a result with `accessTokenExpiresAt`).
 */
export const SIGN_IN_PROCEDURES: ReadonlySet<string> = new Set([...CREDENTIAL_PROCEDURES, REFRESH_PROCEDURE]);

/** Procedures after whose success this client is signed out. */
export const SIGN_OUT_PROCEDURES: ReadonlySet<string> = new Set(["auth.logout", "auth.logoutAll"]);
