import type { CallOptions, CallResult } from "@tollgate/testing";
import { Cookie, pathMatch } from "tough-cookie";

export interface StoredCookie {
  value: string;
  path: string;
  attributes: string[];
}

/**
 * A browser-like HTTP client for black-box and attack tests: cookies that
 * honour Path and Max-Age, an Origin header on mutations (as a same-origin
 * page would send), and the CSRF header echoed from the cookie. Unlike
 * @tollgate/testing's JarClient its cookies are a plain map the test may
 * edit: forged, replayed, dropped or swapped between users.
 */
export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();
  constructor(
    readonly baseUrl: string,
    readonly csrfCookieName = "csrf_token",
  ) {}

  /** The Cookie header a browser would send to `path` (tough-cookie's RFC 6265 path matching). */
  cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => pathMatch(path, c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  /** Keeps what Set-Cookie lines set (parsed by tough-cookie); an expired or Max-Age=0 cookie is deleted. */
  storeSetCookies(lines: string[]): void {
    for (const line of lines) {
      const cookie = Cookie.parse(line);
      if (!cookie) continue;
      if (cookie.TTL() <= 0) this.cookies.delete(cookie.key);
      else {
        const attributes = line
          .split(";")
          .slice(1)
          .map((s) => s.trim());
        this.cookies.set(cookie.key, { value: cookie.value, path: cookie.path ?? "/", attributes });
      }
    }
  }

  async request<T>(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    options: CallOptions = {},
  ): Promise<CallResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const urlPath = path.split("?")[0] ?? path;
    if (!options.noCookies) {
      const cookie = this.cookieHeader(urlPath);
      if (cookie) headers.cookie = cookie;
    }
    if (method === "POST") {
      headers["content-type"] ??= "application/json";
      if (options.origin !== null) headers.origin = options.origin ?? this.baseUrl;
      const csrf = options.csrf === undefined ? this.cookies.get(this.csrfCookieName)?.value : options.csrf;
      if (csrf) headers["x-csrf-token"] = csrf;
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const setCookies = res.headers.getSetCookie();
    this.storeSetCookies(setCookies);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed as T, setCookies };
  }

  mutation<T = unknown>(procedure: string, input?: unknown, options?: CallOptions): Promise<CallResult<T>> {
    return this.request<T>("POST", `/trpc/${procedure}`, input === undefined ? "" : JSON.stringify(input), options);
  }

  query<T = unknown>(procedure: string, input?: unknown, options?: CallOptions): Promise<CallResult<T>> {
    const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.request<T>("GET", `/trpc/${procedure}${qs}`, undefined, options);
  }

  /**
   * A page load or form post as a browser makes it, without following the
   * redirect (the test follows it, across origins, with each origin's own
   * browser): cookies sent and kept, `location` resolved against the URL.
   */
  async navigate(
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; location: string | undefined; body: string; setCookies: string[] }> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(url.pathname);
    if (cookie) headers.cookie = cookie;
    if (form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = this.baseUrl;
    }
    const res = await fetch(url, {
      method: form ? "POST" : "GET",
      headers,
      redirect: "manual",
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    this.storeSetCookies(setCookies);
    const location = res.headers.get("location");
    return {
      status: res.status,
      location: location === null ? undefined : new URL(location, url).href,
      body: await res.text(),
      setCookies,
    };
  }

  async login(username: string, password: string): Promise<CallResult> {
    return this.mutation("auth.login", { username, password });
  }
}

/**
 * The claims of the browser's access cookie (the payload of a JWT it just
 * received; its signature is the server's business), typed as the test reads them.
 */
export function accessClaims<T = Record<string, unknown>>(browser: TestBrowser): T {
  const payload = browser.cookies.get("access_token")?.value.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as T;
}
