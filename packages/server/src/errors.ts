import { AuthError, type AuthErrorCode } from "@tollgate/auth";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/** The one place where Tollgate's error codes become HTTP/tRPC errors. */
const CODES: Record<AuthErrorCode, TRPC_ERROR_CODE_KEY> = {
  TOKEN_MISSING: "UNAUTHORIZED",
  TOKEN_INVALID: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  SESSION_REVOKED: "UNAUTHORIZED",
  REFRESH_REUSED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  ACCOUNT_INACTIVE: "UNAUTHORIZED",
  CURRENT_PASSWORD_WRONG: "BAD_REQUEST",
  PASSWORD_CHANGED_CONCURRENTLY: "CONFLICT",
  PASSWORD_POLICY: "BAD_REQUEST",
  ACCOUNT_EXISTS: "BAD_REQUEST",
  USERNAME_INVALID: "BAD_REQUEST",
  LINK_INVALID: "BAD_REQUEST",
  SIGNUP_CLOSED: "FORBIDDEN",
  EMAIL_NOT_VERIFIED: "FORBIDDEN",
  SESSION_NOT_FOUND: "NOT_FOUND",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  HASH_QUEUE_FULL: "SERVICE_UNAVAILABLE",
  BATCH_NOT_ALLOWED: "BAD_REQUEST",
  CSRF: "FORBIDDEN",
  ORIGIN: "FORBIDDEN",
  MFA_CODE_INVALID: "BAD_REQUEST",
  MFA_PENDING_INVALID: "UNAUTHORIZED",
  MFA_LOCKED: "FORBIDDEN",
  STEP_UP_REQUIRED: "FORBIDDEN",
  ADMIN_REQUIRED: "FORBIDDEN",
  USER_NOT_FOUND: "NOT_FOUND",
  ADMIN_SELF_ACTION: "BAD_REQUEST",
  MFA_ALREADY_ENABLED: "CONFLICT",
  MFA_NOT_ENABLED: "BAD_REQUEST",
  PASSKEY_CHALLENGE_INVALID: "BAD_REQUEST",
  PASSKEY_VERIFICATION_FAILED: "BAD_REQUEST",
  PASSKEY_NOT_FOUND: "NOT_FOUND",
  PASSKEY_ALREADY_REGISTERED: "CONFLICT",
  PASSKEY_LIMIT: "BAD_REQUEST",
  EMAIL_CODE_DISABLED: "NOT_FOUND",
  EMAIL_CODE_INVALID: "BAD_REQUEST",
  OIDC_PROVIDER_UNKNOWN: "NOT_FOUND",
  OIDC_STATE_INVALID: "BAD_REQUEST",
  OIDC_DENIED: "FORBIDDEN",
  OIDC_CODE_INVALID: "BAD_REQUEST",
  OIDC_TOKEN_INVALID: "BAD_REQUEST",
  OIDC_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  IDENTITY_TAKEN: "CONFLICT",
  IDENTITY_NOT_FOUND: "NOT_FOUND",
  IDENTITY_LAST_SIGN_IN: "BAD_REQUEST",
  BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  BODY_NOT_JSON: "UNSUPPORTED_MEDIA_TYPE",
  BODY_ALREADY_READ: "INTERNAL_SERVER_ERROR",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_SUPPORTED",
  INPUT_INVALID: "BAD_REQUEST",
  REQUEST_INVALID: "BAD_REQUEST",
  BATCH_TOO_LARGE: "BAD_REQUEST",
  BACKEND_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_ERROR: "INTERNAL_SERVER_ERROR",
};

/**
 * The code of a failure raised by tRPC itself or by the HTTP pipeline (no
 * AuthError inside): an unknown procedure, a wrong method, a body over the
 * limit, an outage, an unexpected error. An app's own TRPCError of another
 * code (FORBIDDEN, CONFLICT…) is the app's to name and gets none.
 */
const REQUEST_CODES: Partial<Record<TRPC_ERROR_CODE_KEY, AuthErrorCode>> = {
  PARSE_ERROR: "REQUEST_INVALID",
  BAD_REQUEST: "REQUEST_INVALID",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "BODY_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "BODY_NOT_JSON",
  SERVICE_UNAVAILABLE: "BACKEND_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_ERROR",
};

/** An input parser's failure: zod's and Standard Schema's errors both carry `issues` (tRPC's own test). */
function isValidationFailure(cause: unknown): boolean {
  return Array.isArray((cause as { issues?: unknown } | null | undefined)?.issues);
}

export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({ code: CODES[error.code], message: error.message, cause: error });
}

/** The AuthError's own data for the client (STEP_UP_REQUIRED: `stepUp`); empty for every other error. */
export function authErrorData(error: unknown): Readonly<Record<string, unknown>> {
  const cause = error instanceof TRPCError ? error.cause : error;
  return cause instanceof AuthError ? (cause.data ?? {}) : {};
}

/** The `data.authCode` a client gets for this error (see REQUEST_CODES for those without an AuthError). */
export function authCodeOf(error: unknown): AuthErrorCode | undefined {
  if (error instanceof AuthError) return error.code;
  if (!(error instanceof TRPCError)) return undefined;
  if (error.cause instanceof AuthError) return error.cause.code;
  if (error.code === "BAD_REQUEST" && isValidationFailure(error.cause)) return "INPUT_INVALID";
  return REQUEST_CODES[error.code];
}
