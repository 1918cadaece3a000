/** The cookies' base names, as in the reference app; COOKIE_SECURE adds a prefix (see cookies.ts). */
export const COOKIE_BASE_NAMES = {
  accessToken: "access_token",
  refreshToken: "refresh_token",
  csrfToken: "csrf_token",
} as const;

/** Names the server may give the CSRF cookie (prefixed when COOKIE_SECURE=true), most specific first. */
export const CSRF_COOKIE_NAMES = [
  `__Host-${COOKIE_BASE_NAMES.csrfToken}`,
  `__Secure-${COOKIE_BASE_NAMES.csrfToken}`,
  COOKIE_BASE_NAMES.csrfToken,
] as const;

/** The request header a cookie-authenticated mutation echoes the CSRF cookie in. */
export const CSRF_HEADER = "x-csrf-token";
