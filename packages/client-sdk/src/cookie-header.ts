/**
 * The name → value pairs of a Cookie header (or of document.cookie): the SDK's
 * one cookie parser, for the browser's CSRF cookie and for seeding the Node
 * jar. Set-Cookie lines, with their attributes, are left to tough-cookie (Node
 * only, kept out of the browser bundle). A repeated name keeps its first value,
 * the one with the most specific Path.
 */
export function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, Math.max(eq, 0)).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}
