import { Cookie } from "tough-cookie";

/** Applies Set-Cookie lines (parsed by tough-cookie) to a name → value map, as the load drivers send them back; an expired cookie is deleted. */
export function applySetCookies(cookies: Map<string, string>, lines: readonly string[]): void {
  for (const line of lines) {
    const cookie = Cookie.parse(line);
    if (!cookie) continue;
    if (cookie.TTL() <= 0) cookies.delete(cookie.key);
    else cookies.set(cookie.key, cookie.value);
  }
}
