import { createHmac } from "node:crypto";
import { isBase64Url, randomToken, safeEqual } from "./encoding.js";
import { AuthError } from "./errors.js";
import type { Keyring } from "./keyring.js";

/**
 * Double-submit CSRF tokens bound to a session: `random.mac` with
 * mac = HMAC(csrfKey, sessionId "." random). A token planted from another
 * session (a sibling subdomain tossing its own cookie) fails the binding.
 */
export interface CsrfTokens {
  issue(sessionId: string): string;
  /** Throws AuthError("CSRF") unless header equals cookie and the token belongs to the session. */
  verify(input: { header: string | undefined; cookie: string | undefined; sessionId: string }): void;
}

const MAX_CSRF_LENGTH = 128;

function mac(key: Buffer, sessionId: string, random: string): string {
  return createHmac("sha256", key).update(`${sessionId}.${random}`).digest("base64url");
}

export function createCsrfTokens(keyring: Keyring): CsrfTokens {
  return {
    issue(sessionId) {
      const random = randomToken(16);
      return `${random}.${mac(keyring.current.csrf, sessionId, random)}`;
    },
    verify({ header, cookie, sessionId }) {
      if (!header || !cookie) throw new AuthError("CSRF", "CSRF token missing");
      if (header.length > MAX_CSRF_LENGTH || !safeEqual(header, cookie)) {
        throw new AuthError("CSRF", "CSRF token mismatch");
      }
      const [random, signature, extra] = header.split(".");
      if (!random || !signature || extra !== undefined || !isBase64Url(random) || !isBase64Url(signature)) {
        throw new AuthError("CSRF", "CSRF token malformed");
      }
      const valid = keyring.all.some((keys) => safeEqual(signature, mac(keys.csrf, sessionId, random)));
      if (!valid) throw new AuthError("CSRF", "CSRF token does not belong to this session");
    },
  };
}

export interface OriginCheckInput {
  /** The request's Origin header. */
  readonly origin: string | undefined;
  /** The request's Sec-Fetch-Site header. */
  readonly secFetchSite: string | undefined;
  /** This server's own origin, e.g. https://api.example.com; undefined when not known (then only allowedOrigins match). */
  readonly selfOrigin: string | undefined;
  /** Other origins allowed to call with credentials. */
  readonly allowedOrigins: readonly string[];
}

/**
 * Refuses a state-changing request from a foreign web origin. Browsers send
 * Origin on every cross-origin POST; when it is absent, Sec-Fetch-Site still
 * tells cross-site from same-origin. Neither header: not a browser (curl, a
 * server-side client), which CSRF cannot target.
 */
export function checkOrigin(input: OriginCheckInput): void {
  const { origin, secFetchSite } = input;
  if (origin !== undefined) {
    if ((input.selfOrigin !== undefined && origin === input.selfOrigin) || input.allowedOrigins.includes(origin))
      return;
    throw new AuthError("ORIGIN", `Origin ${origin === "null" ? "null" : "not allowed"}`);
  }
  if (secFetchSite !== undefined && secFetchSite !== "same-origin" && secFetchSite !== "none") {
    throw new AuthError("ORIGIN", "Cross-site request without an Origin header");
  }
}

/** Normalizes an origin string (scheme://host[:port], no path); throws TypeError when it is not one. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Not an origin: ${value}`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin === "null") {
    throw new TypeError(`Not an http(s) origin: ${value}`);
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username) {
    throw new TypeError(`An origin has no path, query or credentials: ${value}`);
  }
  return url.origin;
}
