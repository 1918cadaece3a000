import { parseCookieHeader } from "./cookie-header.js";

/** Names the server may give the CSRF cookie (plain, or prefixed when COOKIE_SECURE=true). */
export const CSRF_COOKIE_NAMES = ["__Host-csrf_token", "__Secure-csrf_token", "csrf_token"] as const;

/** Reads the CSRF token from a Cookie-header-shaped string (document.cookie in a browser). */
export function csrfFromCookieString(cookies: string): string | undefined {
  const found = parseCookieHeader(cookies);
  for (const name of CSRF_COOKIE_NAMES) {
    const value = found.get(name);
    if (value) return value;
  }
  return undefined;
}

export function csrfFromDocument(): string | undefined {
  return typeof document === "undefined" ? undefined : csrfFromCookieString(document.cookie);
}
