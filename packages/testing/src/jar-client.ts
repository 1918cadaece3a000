import { CSRF_COOKIE_NAMES, CSRF_HEADER, parseCookieHeader } from "@tollgate/auth/protocol";
import { CookieJar } from "tough-cookie";
import type { CallOptions, CallResult } from "./trpc-result.js";

/** The CSRF token the SDK would send: the first csrf cookie (`__Host-`, `__Secure-`, plain) in a Cookie header. */
function csrfFromCookieString(cookies: string): string | undefined {
  const found = parseCookieHeader(cookies);
  for (const name of CSRF_COOKIE_NAMES) {
    const value = found.get(name)?.[0];
    if (value) return value;
  }
  return undefined;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An HTTP client for one user of a Tollgate server, as a browser tab on the
 * server's own origin would be: a real cookie jar (tough-cookie, RFC 6265:
 * Path, Max-Age, Domain) that keeps what Set-Cookie says, an Origin header on
 * mutations, and the csrf cookie echoed in `x-csrf-token` as the SDK does.
 * Procedures are called over plain HTTP (tRPC's JSON, no transformer).
 *
 * For the typed SDK on the same cookies:
 * `createTollgateClient<AppRouter>({ url: client.trpcUrl, cookieJar: client.cookieJar, crossTab: false })`.
 */
export class JarClient {
  /** The server's origin (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Where procedures are served: `${url}/trpc`. */
  readonly trpcUrl: string;
  /** The cookies this client holds; share it with `createTollgateClient({ cookieJar })`. */
  readonly cookieJar: CookieJar;

  /** `url`: the server's origin; `cookieJar`: start from (and share) an existing jar. */
  constructor(url: string, cookieJar: CookieJar = new CookieJar()) {
    this.url = new URL(url).origin;
    this.trpcUrl = `${this.url}/trpc`;
    this.cookieJar = cookieJar;
  }

  /** The value of cookie `name` as it would be sent to `path` on the server (the refresh cookie lives at /trpc/auth.refresh). */
  cookie(name: string, path = "/"): string | undefined {
    return this.cookieJar.getCookiesSync(new URL(path, this.url).href).find((c) => c.key === name)?.value;
  }

  /** The CSRF token the next mutation will carry (from the csrf cookie), if signed in. */
  csrfToken(): string | undefined {
    return csrfFromCookieString(this.cookieJar.getCookieStringSync(this.trpcUrl));
  }

  /**
   * `fetch` with this client's cookies: sends those the jar has for the URL
   * and keeps every Set-Cookie of the response. A relative URL is the
   * server's (`client.fetch("/api/notes")`): for an app's own routes.
   */
  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(input, this.url);
    const headers = new Headers(init.headers);
    const cookies = await this.cookieJar.getCookieString(target.href);
    if (cookies && !headers.has("cookie")) headers.set("cookie", cookies);
    const response = await fetch(target, { ...init, headers });
    await this.keep(response.headers.getSetCookie(), target.href);
    return response;
  }

  /** One request to the server, read whole; see `mutation` and `query`. */
  async request<T = unknown>(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    options: CallOptions = {},
  ): Promise<CallResult<T>> {
    const target = new URL(path, this.url);
    const headers = new Headers(options.headers);
    const cookies = await this.cookieJar.getCookieString(target.href);
    if (cookies && !options.noCookies) headers.set("cookie", cookies);
    if (method === "POST") {
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      if (options.origin !== null) headers.set("origin", options.origin ?? this.url);
      const csrf = options.csrf === undefined ? csrfFromCookieString(cookies) : options.csrf;
      if (csrf) headers.set(CSRF_HEADER, csrf);
    }
    const response = await fetch(target, { method, headers, ...(body !== undefined ? { body } : {}) });
    const setCookies = response.headers.getSetCookie();
    await this.keep(setCookies, target.href);
    return {
      status: response.status,
      headers: response.headers,
      body: parseBody(await response.text()) as T,
      setCookies,
    };
  }

  /** POSTs a tRPC mutation (`"auth.login"`, `"notes.add"`) with `input` as its JSON body. */
  mutation<T = unknown>(procedure: string, input?: unknown, options?: CallOptions): Promise<CallResult<T>> {
    return this.request<T>("POST", `/trpc/${procedure}`, input === undefined ? "" : JSON.stringify(input), options);
  }

  /** GETs a tRPC query, `input` as JSON in `?input=`. */
  query<T = unknown>(procedure: string, input?: unknown, options?: CallOptions): Promise<CallResult<T>> {
    const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.request<T>("GET", `/trpc/${procedure}${search}`, undefined, options);
  }

  /** auth.login: on success the jar holds the access, refresh and csrf cookies. */
  login(username: string, password: string): Promise<CallResult> {
    return this.mutation("auth.login", { username, password });
  }

  private async keep(setCookies: string[], url: string): Promise<void> {
    // A cookie the jar refuses (bad prefix, wrong domain) is not kept, as a browser would not.
    for (const line of setCookies) await this.cookieJar.setCookie(line, url, { ignoreError: true });
  }
}
