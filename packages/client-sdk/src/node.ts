/**
 * Node-only helpers: a real cookie jar for scripts and tests, and a client
 * scoped to one incoming request for server-side rendering.
 */
import { CookieJar } from "tough-cookie";
import type { CookieJarLike } from "./cookie-jar.js";
import { createTollgateClient, type TollgateClient, type TollgateClientOptions } from "./create-client.js";

export { CookieJar };

export interface RequestScopedClient {
  readonly client: TollgateClient;
  /** Set-Cookie lines the API sent during this request: append them to your response so the browser gets them. */
  setCookieHeaders(): string[];
}

/** A jar seeded from an incoming Cookie header that records every Set-Cookie for the outgoing response. */
function forwardingJar(cookieHeader: string | undefined, collected: string[]): CookieJarLike {
  const cookies = new Map<string, string>();
  for (const part of (cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return {
    async getCookieString() {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    },
    async setCookie(line) {
      collected.push(line);
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) return;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = /;\s*max-age=0/i.test(line) || value === "";
      if (cleared) cookies.delete(name);
      else cookies.set(name, value);
    },
  };
}

/**
 * For server-side rendering: calls the API with the browser's cookies (pass
 * `req.headers.cookie`) and hands back the Set-Cookie headers to forward, so
 * a refresh that happens while rendering reaches the browser. Only cookies
 * the browser sent to this page are available: the refresh cookie is limited
 * to /trpc/auth.refresh, so render under that API origin or let the browser
 * refresh.
 */
export function createRequestScopedClient(
  options: Omit<TollgateClientOptions, "cookieJar" | "crossTab"> & { readonly cookieHeader: string | undefined },
): RequestScopedClient {
  const collected: string[] = [];
  const { cookieHeader, ...rest } = options;
  const client = createTollgateClient({
    ...rest,
    cookieJar: forwardingJar(cookieHeader, collected),
    crossTab: false,
    proactiveRefresh: false,
  });
  return { client, setCookieHeaders: () => [...collected] };
}
