/**
 * The one Cookie-header parser, shared by the server (which refuses ambiguous
 * duplicates: cookie tossing) and the client SDK (the CSRF cookie from
 * document.cookie, seeding a Node jar). Plain code, no dependency.
 */

/** RFC 6265bis token (cookie-name). */
export const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265bis cookie-octet*. */
export const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** Upper bound on a Cookie header we parse; browsers cap far lower. */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * Parses a Cookie header into every value per name, in header order.
 * Duplicates are kept so callers can refuse ambiguity (cookie tossing);
 * pairs outside the RFC 6265bis grammar are ignored.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  if (!header || header.length > MAX_COOKIE_HEADER) return cookies;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!COOKIE_NAME.test(name) || !COOKIE_VALUE.test(value)) continue;
    const values = cookies.get(name);
    if (values) values.push(value);
    else cookies.set(name, [value]);
  }
  return cookies;
}
