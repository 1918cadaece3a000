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

/** An error and its causes, outermost first (cycles cut). */
function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let current = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    yield current;
  }
}

/** The message a 503 carries: which service is down, never its internals. */
export function unavailableMessage(error: unknown): string {
  for (const current of causeChain(error)) {
    if (current instanceof BackendUnavailableError) return current.message;
  }
  return "Database unavailable, try again shortly";
}

/** Whether an error means the database (or another backing service) could not be reached. */
const UNREACHABLE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[123]|08\w{3})$/;
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function isUnavailable(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current instanceof BackendUnavailableError) return true;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && UNREACHABLE_CODES.test(code)) return true;
    if (typeof message === "string" && UNREACHABLE_MESSAGES.test(message)) return true;
  }
  return false;
}
