/**
 * The reasons the server sends as `data.authCode` on an error. This list
 * mirrors the server's (apps/server maps @tollgate/auth's `AuthError` codes and
 * its own refusals onto it); the SDK must not import the auth core, so it is
 * declared here, and test/types.test-d.ts fails when the router's error shape
 * names a code this list lacks.
 */
export const TOLLGATE_ERROR_CODES = [
  "TOKEN_MISSING",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "SESSION_EXPIRED",
  "SESSION_REVOKED",
  "REFRESH_REUSED",
  "INVALID_CREDENTIALS",
  "ACCOUNT_INACTIVE",
  "CURRENT_PASSWORD_WRONG",
  "PASSWORD_CHANGED_CONCURRENTLY",
  "SESSION_NOT_FOUND",
  "RATE_LIMITED",
  "HASH_QUEUE_FULL",
  "BATCH_NOT_ALLOWED",
  "CSRF",
  "ORIGIN",
] as const;

export type TollgateErrorCode = (typeof TOLLGATE_ERROR_CODES)[number];
