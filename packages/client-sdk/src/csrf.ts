import { CSRF_COOKIE_NAMES, parseCookieHeader } from "@tollgate/auth/protocol";

export { CSRF_COOKIE_NAMES };

/** Reads the CSRF token from a Cookie-header-shaped string (document.cookie in a browser). */
export function csrfFromCookieString(cookies: string): string | undefined {
  const found = parseCookieHeader(cookies);
  for (const name of CSRF_COOKIE_NAMES) {
    // A repeated name keeps its first value, the one with the most specific Path.
    const value = found.get(name)?.[0];
    if (value) return value;
  }
  return undefined;
}

export function csrfFromDocument(): string | undefined {
  return typeof document === "undefined" ? undefined : csrfFromCookieString(document.cookie);
}
