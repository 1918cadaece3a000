/**
 * What the client needs of a cookie jar. tough-cookie's CookieJar fits as it
 * is (`new CookieJar()`), so Node code gets a well-tested RFC 6265 jar.
 */
export interface CookieJarLike {
  getCookieString(url: string): Promise<string>;
  setCookie(cookie: string, url: string): Promise<unknown>;
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that sends the jar's cookies and stores every Set-Cookie it gets back. */
export function fetchWithCookieJar(jar: CookieJarLike, baseFetch: FetchLike): FetchLike {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const cookies = await jar.getCookieString(url);
    if (cookies) headers.set("cookie", cookies);
    const response = await baseFetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      await jar.setCookie(line, url).catch(() => undefined);
    }
    return response;
  };
}
