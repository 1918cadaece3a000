import { JWKS_PATH } from "./jwks-route.js";

/** Where Tollgate's router is served: `/trpc/<procedure>`. */
export const TRPC_PREFIX = "/trpc/";
export const HEALTH_PATH = "/healthz";

/** A tRPC target as clients send it (`/trpc/user.me?input=…`): one whose path URL parsing leaves as it is. */
const PLAIN_TRPC_TARGET = /^\/trpc\/[\w,][\w.,]*(?=\?|$)/;

/**
 * The request's path, or undefined when the request target cannot be
 * parsed. Plain tRPC targets skip URL parsing (most requests are one).
 */
export function pathnameOf(target: string | undefined): string | undefined {
  const plain = target === undefined ? null : PLAIN_TRPC_TARGET.exec(target);
  if (plain) return plain[0];
  try {
    return new URL(target ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** Whether Tollgate's handlers answer this request target (/trpc/*, /healthz, the JWKS): what a host routes to them. */
export function handlesTarget(target: string | undefined): boolean {
  const pathname = pathnameOf(target);
  return (
    pathname !== undefined && (pathname.startsWith(TRPC_PREFIX) || pathname === HEALTH_PATH || pathname === JWKS_PATH)
  );
}
