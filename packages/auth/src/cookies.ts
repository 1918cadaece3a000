/**
 * Cookie serialization and parsing per RFC 6265bis, and the three cookies
 * Tollgate sets. Invalid combinations are refused with a TypeError when the
 * cookie set is built (at server start), never silently "fixed".
 */

import { COOKIE_NAME, COOKIE_VALUE } from "./protocol/cookie-header.js";
import { COOKIE_BASE_NAMES } from "./protocol/cookie-names.js";

export type SameSite = "lax" | "strict" | "none";

export interface CookieAttributes {
  readonly path: string;
  readonly domain?: string | undefined;
  readonly maxAge: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: SameSite;
}

const DOMAIN = /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const PATH = /^\/[\x20-\x3A\x3C-\x7E]*$/;

export function validateCookie(name: string, attributes: CookieAttributes): void {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`Invalid cookie name: ${name}`);
  if (!PATH.test(attributes.path)) throw new TypeError(`Invalid cookie path: ${attributes.path}`);
  if (attributes.domain !== undefined && !DOMAIN.test(attributes.domain)) {
    throw new TypeError(`Invalid cookie domain: ${attributes.domain}`);
  }
  if (!Number.isInteger(attributes.maxAge) || attributes.maxAge < 0) {
    throw new TypeError("Cookie Max-Age must be a whole number of seconds, 0 or more");
  }
  if (attributes.sameSite === "none" && !attributes.secure) {
    throw new TypeError("SameSite=None requires the Secure attribute");
  }
  if (name.startsWith("__Secure-") && !attributes.secure) {
    throw new TypeError(`${name}: the __Secure- prefix requires Secure`);
  }
  if (name.startsWith("__Host-")) {
    if (!attributes.secure) throw new TypeError(`${name}: the __Host- prefix requires Secure`);
    if (attributes.domain !== undefined) throw new TypeError(`${name}: the __Host- prefix forbids Domain`);
    if (attributes.path !== "/") throw new TypeError(`${name}: the __Host- prefix requires Path=/`);
  }
}

const SAME_SITE_LABEL: Record<SameSite, string> = { lax: "Lax", strict: "Strict", none: "None" };

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  validateCookie(name, attributes);
  if (!COOKIE_VALUE.test(value)) throw new TypeError(`Invalid value for cookie ${name}`);
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${attributes.maxAge}`];
  if (attributes.domain !== undefined) parts.push(`Domain=${attributes.domain}`);
  if (attributes.httpOnly) parts.push("HttpOnly");
  if (attributes.secure) parts.push("Secure");
  parts.push(`SameSite=${SAME_SITE_LABEL[attributes.sameSite]}`);
  return parts.join("; ");
}

export interface CookiePolicy {
  /** Secure attribute; also switches names to __Host-/__Secure- prefixes. */
  readonly secure: boolean;
  readonly domain?: string | undefined;
  readonly sameSite: SameSite;
  /** Path the refresh cookie is limited to. */
  readonly refreshPath: string;
  /** Seconds. */
  readonly accessTokenTtl: number;
  /** Seconds. */
  readonly refreshTokenTtl: number;
}

export interface CookieNames {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly csrfToken: string;
}

export interface SessionCookieValues {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly csrfToken: string;
}

export interface SessionCookies {
  readonly names: CookieNames;
  /** Set-Cookie values for a signed-in session. */
  set(values: SessionCookieValues): string[];
  /** The access cookie alone: a new access token for the same session (step-up), refresh and CSRF cookies unchanged. */
  setAccessToken(accessToken: string): string[];
  /** Set-Cookie values that delete all three cookies (same Path and Domain, Max-Age=0). */
  clear(): string[];
}

function prefixedNames(policy: CookiePolicy): CookieNames {
  if (!policy.secure) {
    return { ...COOKIE_BASE_NAMES };
  }
  // __Host- pins a cookie to this exact host and Path=/; impossible with a Domain
  // or with the refresh cookie's narrower Path, which get __Secure- instead.
  const hostOnly = policy.domain === undefined ? "__Host-" : "__Secure-";
  return {
    accessToken: `${hostOnly}${COOKIE_BASE_NAMES.accessToken}`,
    refreshToken: `__Secure-${COOKIE_BASE_NAMES.refreshToken}`,
    csrfToken: `${hostOnly}${COOKIE_BASE_NAMES.csrfToken}`,
  };
}

export function createSessionCookies(policy: CookiePolicy): SessionCookies {
  const names = prefixedNames(policy);
  const base = { domain: policy.domain, secure: policy.secure, sameSite: policy.sameSite };
  const access: CookieAttributes = { ...base, path: "/", httpOnly: true, maxAge: policy.accessTokenTtl };
  const refresh: CookieAttributes = {
    ...base,
    path: policy.refreshPath,
    httpOnly: true,
    maxAge: policy.refreshTokenTtl,
  };
  // Page scripts read the CSRF cookie to echo it in the x-csrf-token header.
  const csrf: CookieAttributes = { ...base, path: "/", httpOnly: false, maxAge: policy.refreshTokenTtl };
  validateCookie(names.accessToken, access);
  validateCookie(names.refreshToken, refresh);
  validateCookie(names.csrfToken, csrf);

  return {
    names,
    set: (values) => [
      serializeCookie(names.accessToken, values.accessToken, access),
      serializeCookie(names.refreshToken, values.refreshToken, refresh),
      serializeCookie(names.csrfToken, values.csrfToken, csrf),
    ],
    setAccessToken: (accessToken) => [serializeCookie(names.accessToken, accessToken, access)],
    clear: () => [
      serializeCookie(names.accessToken, "", { ...access, maxAge: 0 }),
      serializeCookie(names.refreshToken, "", { ...refresh, maxAge: 0 }),
      serializeCookie(names.csrfToken, "", { ...csrf, maxAge: 0 }),
    ],
  };
}
