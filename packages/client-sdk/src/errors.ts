import { isTRPCClientError } from "@trpc/client";

/** True when a tRPC call failed because the caller is not (or no longer) signed in. */
export function isUnauthorized(error: unknown): boolean {
  if (!isTRPCClientError(error)) return false;
  const data = error.data as { code?: unknown; httpStatus?: unknown } | undefined;
  return data?.code === "UNAUTHORIZED" || data?.httpStatus === 401;
}

/** The server's auth-core reason (`TOKEN_EXPIRED`, `REFRESH_REUSED`, …) when it sent one. */
export function authCodeOf(error: unknown): string | undefined {
  if (!isTRPCClientError(error)) return undefined;
  const code = (error.data as { authCode?: unknown } | undefined)?.authCode;
  return typeof code === "string" ? code : undefined;
}
