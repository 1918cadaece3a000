import { isTRPCClientError } from "@trpc/client";
import { TOLLGATE_ERROR_CODES, type TollgateErrorCode } from "./error-codes.js";

interface ErrorData {
  code?: unknown;
  httpStatus?: unknown;
  authCode?: unknown;
}

function dataOf(error: unknown): ErrorData | undefined {
  return isTRPCClientError(error) ? (error.data as ErrorData | undefined) : undefined;
}

/** True when a tRPC call failed because the caller is not (or no longer) signed in. */
export function isUnauthorized(error: unknown): boolean {
  const data = dataOf(error);
  return data?.code === "UNAUTHORIZED" || data?.httpStatus === 401;
}

/**
 * The server's reason (`TOKEN_EXPIRED`, `RATE_LIMITED`, …) when it sent one
 * this SDK knows; a code from a newer server reads as undefined.
 */
export function authCodeOf(error: unknown): TollgateErrorCode | undefined {
  const code = dataOf(error)?.authCode;
  return TOLLGATE_ERROR_CODES.find((known) => known === code);
}

/**
 * A failure that says nothing about the session: the request or its answer
 * was lost (no tRPC error body: fetch threw, or the answer was not tRPC's), or
 * the server failed (5xx). Worth sending again; a 4xx never is.
 */
export function isTransientFailure(error: unknown): boolean {
  if (!isTRPCClientError(error)) return true;
  const status = dataOf(error)?.httpStatus;
  return status === undefined || (typeof status === "number" && status >= 500);
}
