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
  MFA_ALREADY_ENABLED: "CONFLICT",
  MFA_NOT_ENABLED: "BAD_REQUEST",
};

export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({ code: CODES[error.code], message: error.message, cause: error });
}

export function authCodeOf(error: unknown): AuthErrorCode | undefined {
  if (error instanceof AuthError) return error.code;
  if (error instanceof TRPCError && error.cause instanceof AuthError) return error.cause.code;
  return undefined;
}
