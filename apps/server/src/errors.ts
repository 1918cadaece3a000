import { AuthError, type AuthErrorCode } from "@tollgate/auth";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/** The one place where auth-core failures become HTTP/tRPC errors. */
const CODES: Record<AuthErrorCode, TRPC_ERROR_CODE_KEY> = {
  TOKEN_MISSING: "UNAUTHORIZED",
  TOKEN_INVALID: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  SESSION_REVOKED: "UNAUTHORIZED",
  REFRESH_REUSED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  CSRF: "FORBIDDEN",
  ORIGIN: "FORBIDDEN",
};

export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({ code: CODES[error.code], message: error.message, cause: error });
}

export function authCodeOf(error: unknown): AuthErrorCode | undefined {
  if (error instanceof AuthError) return error.code;
  if (error instanceof TRPCError && error.cause instanceof AuthError) return error.cause.code;
  return undefined;
}

/** A backing service (the rate-limit store) could not be reached; the message names it. */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

/** The message a 503 carries: which service is down, never its internals. */
export function unavailableMessage(error: unknown): string {
  const seen = new Set<unknown>();
  for (let current = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (current instanceof BackendUnavailableError) return current.message;
  }
  return "Database unavailable, try again shortly";
}

/** Whether an error means the database (or another backing service) could not be reached. */
export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current instanceof BackendUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[123]|08\w{3})$/.test(code)
    ) {
      return true;
    }
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === "string" &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(
        message,
      )
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
