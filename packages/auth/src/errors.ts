/**
 * Every failure Tollgate's auth core reports is an `AuthError` with a stable
 * `code`. Callers branch on `code`, never on `message`; the server maps each
 * code to an HTTP/tRPC error in one place.
 */
export type AuthErrorCode =
  | "TOKEN_MISSING"
  | "TOKEN_INVALID"
  | "TOKEN_EXPIRED"
  | "SESSION_EXPIRED"
  | "SESSION_REVOKED"
  | "REFRESH_REUSED"
  | "CSRF"
  | "ORIGIN"
  | "INVALID_CREDENTIALS";

export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
