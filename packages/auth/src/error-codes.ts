/**
 * Every failure Tollgate reports to a client carries one of these codes.
 * Callers branch on `code`, never on `message`; the server maps each code to
 * an HTTP/tRPC error in one table and sends it as `data.authCode`.
 */
export const AUTH_ERROR_CODES = [
  /** No access or refresh token was presented. */
  "TOKEN_MISSING",
  /** A token is malformed, tampered, unknown, or ambiguous (duplicate cookies). */
  "TOKEN_INVALID",
  /** The access token expired: refresh (the SDK does, once, and retries). */
  "TOKEN_EXPIRED",
  /** The session passed its absolute lifetime or its idle timeout. */
  "SESSION_EXPIRED",
  /** The session was ended (sign-out, revocation, password change, reuse). */
  "SESSION_REVOKED",
  /** An already rotated refresh token was replayed; the session is now revoked. */
  "REFRESH_REUSED",
  /** Wrong username or password (one code for both). */
  "INVALID_CREDENTIALS",
  /** The account exists but may not sign in (told only to someone who knows the password). */
  "ACCOUNT_INACTIVE",
  /**
   * A signed-in user's current password was wrong or missing where needed
   * (auth.changePassword; the password given to auth.stepUp.verify,
   * user.updateProfile for a new address or the TOTP procedures): answered as
   * BAD_REQUEST, never 401, so the client does not take it for an ended session.
   */
  "CURRENT_PASSWORD_WRONG",
  /** The password changed meanwhile (another request won the compare-and-swap). */
  "PASSWORD_CHANGED_CONCURRENTLY",
  /** A new password breaks the password policy; the message names the rule (length, common, same as username or email). */
  "PASSWORD_POLICY",
  /**
   * auth.signUp with a username already in use (usernames are public). A
   * taken email address is never reported: it is answered as a free one and
   * its owner is mailed instead (see auth.signUp in the documentation).
   */
  "ACCOUNT_EXISTS",
  /**
   * A new username breaks the username rules (see normalizeUsername): empty,
   * longer than 150 characters after NFKC, or with control, format
   * (zero-width), private-use, unassigned or surrogate characters, line
   * breaks, or two spaces in a row. The message names the rule.
   */
  "USERNAME_INVALID",
  /** auth.signUp while SIGNUP=closed. */
  "SIGNUP_CLOSED",
  /**
   * EMAIL_VERIFICATION=required and the address is not confirmed yet (said
   * only after a right password; users without an address, made by an
   * operator, are exempt). When the last link expired, that sign-in mails a fresh one.
   */
  "EMAIL_NOT_VERIFIED",
  /** A mailed link's token is unknown, expired, already used or for another purpose. */
  "LINK_INVALID",
  /** A session id that is not one of the caller's. */
  "SESSION_NOT_FOUND",
  /**
   * Too many attempts (sign-ins, sign-ups per network, new addresses per
   * account, reset requests); wait Retry-After seconds. Mails over a
   * recipient's quota are dropped silently instead (audited as mail_suppressed).
   */
  "RATE_LIMITED",
  /** The password hashing queue is full; see Retry-After. */
  "HASH_QUEUE_FULL",
  /** A procedure that checks a password or code was sent inside a batch. */
  "BATCH_NOT_ALLOWED",
  /** The CSRF header is missing, differs from the cookie, or belongs to another session. */
  "CSRF",
  /** A mutation from an origin that is neither this server's nor listed. */
  "ORIGIN",
  /** A TOTP or recovery code is wrong, outside the allowed drift, or already used (replay). */
  "MFA_CODE_INVALID",
  /**
   * Too many consecutive wrong TOTP codes for the account (auth.mfa.verify,
   * recoveryCodes.regenerate): codes are refused, even a right one, until a
   * recovery code signs in, the mailed link (auth.mfa.unlock) is followed or
   * an operator runs user:mfa-reset. Never cleared by time passing.
   */
  "MFA_LOCKED",
  /**
   * auth.mfa.verify without a live pending sign-in (missing, expired after 5
   * minutes, already used, out of its three checked codes, or ended by a
   * password change or reset, sign-out everywhere or an operator): sign in again.
   */
  "MFA_PENDING_INVALID",
  /**
   * A procedure needs a fresher or stronger proof of identity than the
   * session holds (403): `data.stepUp` names the level, the maximum age and
   * the methods this user can prove it with (auth.stepUp.verify, then retry).
   */
  "STEP_UP_REQUIRED",
  /** admin.* by a user who is not an administrator (`tollgate user:grant-admin`). */
  "ADMIN_REQUIRED",
  /** admin.users.* with an id that is no user. */
  "USER_NOT_FOUND",
  /** An administrator disabling, deleting or taking the role of their own account (another administrator may). */
  "ADMIN_SELF_ACTION",
  /** auth.mfa.totp.begin or confirm while TOTP is already on. */
  "MFA_ALREADY_ENABLED",
  /** auth.mfa.totp.confirm without begin, or disable while TOTP is off. */
  "MFA_NOT_ENABLED",
  /**
   * A passkey answer whose challenge is unknown, already used, expired (five
   * minutes), of another kind of prompt, or handed to another account: ask
   * for new options (auth.passkey.*Options) and try again.
   */
  "PASSKEY_CHALLENGE_INVALID",
  /**
   * A passkey answer that does not verify: wrong origin or RP ID, bad
   * signature, a counter that went backwards, no user verification where
   * required, an unknown passkey or another account's.
   */
  "PASSKEY_VERIFICATION_FAILED",
  /** auth.passkey.rename / remove with an id that is not one of the caller's passkeys. */
  "PASSKEY_NOT_FOUND",
  /** auth.passkey.register with a passkey already registered (on this or another account). */
  "PASSKEY_ALREADY_REGISTERED",
  /** auth.passkey.register when the account already holds the most passkeys allowed (20). */
  "PASSKEY_LIMIT",
  /** auth.emailCode.* on a server without EMAIL_CODE_SIGN_IN=on. */
  "EMAIL_CODE_DISABLED",
  /** auth.emailCode.verify with a wrong, used or expired code or link, a code out of tries, or an address no code went to. */
  "EMAIL_CODE_INVALID",
  // Sign-in with another provider (OpenID Connect, OAuth 2): the callback redirects to the account page with `?error=<code>`.
  /** No provider of that name is configured (GET /auth/oidc/:provider/start or /callback, auth.identities.linkStart). */
  "OIDC_PROVIDER_UNKNOWN",
  /**
   * The callback's state does not match this browser's flow: no flow cookie,
   * a tampered or expired one (10 minutes), another provider's, or a flow
   * already finished (single use). Start again.
   */
  "OIDC_STATE_INVALID",
  /** The provider answered with an error: the user denied consent, or the provider refused the request. */
  "OIDC_DENIED",
  /** The provider refused the authorization code: expired, already used, or issued for another flow (PKCE). */
  "OIDC_CODE_INVALID",
  /** The provider's ID token does not verify: issuer, audience, signature, expiry or nonce. */
  "OIDC_TOKEN_INVALID",
  /** The provider could not be reached or answered something unreadable. */
  "OIDC_PROVIDER_UNAVAILABLE",
  /** The identity is already linked to another account. */
  "IDENTITY_TAKEN",
  /** auth.identities.unlink with an id that is not one of the caller's linked identities. */
  "IDENTITY_NOT_FOUND",
  /** auth.identities.unlink of the last way to sign in (no usable password, no other identity). */
  "IDENTITY_LAST_SIGN_IN",
  // Refusals of the request itself, on every transport (node:http, Fetch).
  /** The request body is over 1 MiB (413). */
  "BODY_TOO_LARGE",
  /** A POST whose body is not `application/json` (415): a form or text/plain never reaches a procedure. */
  "BODY_NOT_JSON",
  /**
   * The host app read the request body before Tollgate (a body parser mounted
   * in front of it) and left nothing usable (500); the message names the fix.
   */
  "BODY_ALREADY_READ",
  /** No procedure or path of that name (404). */
  "NOT_FOUND",
  /** The method does not fit the procedure: GET on a mutation, POST on a query (405). */
  "METHOD_NOT_ALLOWED",
  /** A procedure's input fails its validation (400); the message lists the issues. */
  "INPUT_INVALID",
  /** The request cannot be read: malformed JSON, a batch input that is not an object, a bad URL or Host header (400). */
  "REQUEST_INVALID",
  /** A batch of more than 10 calls (400); none of them ran. */
  "BATCH_TOO_LARGE",
  /** The database or Redis cannot be reached (503; the message names which); retry after Retry-After (5) seconds. */
  "BACKEND_UNAVAILABLE",
  /** An unexpected failure (500): logged with the request's X-Request-Id, never described to the client. */
  "INTERNAL_ERROR",
] as const;

export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];
