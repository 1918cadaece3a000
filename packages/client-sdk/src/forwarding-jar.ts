import { parseCookieHeader } from "@tollgate/auth/protocol";
import { Cookie, CookieJar } from "tough-cookie";
import type { CookieJarLike } from "./cookie-jar.js";

export interface ForwardingJar extends CookieJarLike {
  /** Every Set-Cookie line the API sent, in order, to pass on to the browser. */
  setCookieHeaders(): string[];
}

/**
 * The cookie jar of one incoming request (server-side rendering): a tough-cookie
 * jar seeded with the cookies the browser sent, for the API's origin, that
 * stores the API's Set-Cookie lines as a browser would (Path, Domain, Max-Age,
 * Expires honoured) and records them for the outgoing response.
 */
export function createForwardingJar(apiUrl: string, cookieHeader: string | undefined): ForwardingJar {
  // The browser enforced the __Host-/__Secure- rules when it stored these cookies.
  const jar = new CookieJar(undefined, { prefixSecurity: "unsafe-disabled" });
  const collected: string[] = [];
  /**
   * The browser's cookies, sent here without their Path: kept at "/", each
   * stands in for the browser's own until the API sets one of that name, which
   * then replaces it (whatever its Path) rather than sitting beside it.
   */
  const standIns = new Map<string, Cookie>();
  for (const [key, [value = ""]] of parseCookieHeader(cookieHeader)) {
    // A repeated name keeps its first value, the one with the most specific Path.
    const cookie = jar.setCookieSync(new Cookie({ key, value, path: "/" }), apiUrl);
    if (cookie) standIns.set(key, cookie);
  }
  return {
    getCookieString: (url) => jar.getCookieString(url),
    async setCookie(line, url) {
      collected.push(line);
      const cookie = Cookie.parse(line);
      if (!cookie) return undefined;
      const standIn = standIns.get(cookie.key);
      if (standIn) {
        standIns.delete(cookie.key);
        await jar.store.removeCookie(standIn.domain, standIn.path, standIn.key);
      }
      return jar.setCookie(cookie, url);
    },
    setCookieHeaders: () => [...collected],
  };
}
