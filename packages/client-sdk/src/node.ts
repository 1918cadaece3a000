/**
 * Node-only helpers: a real cookie jar for scripts and tests, and a client
 * scoped to one incoming request for server-side rendering.
 */

import type { AppRouter } from "@tollgate/server";
import { CookieJar } from "tough-cookie";
import {
  createTollgateClient,
  type TollgateClient,
  type TollgateClientOptions,
  type TollgateRouter,
} from "./create-client.js";
import { createForwardingJar } from "./forwarding-jar.js";

export { CookieJar };

export interface RequestScopedClient<TRouter extends TollgateRouter = AppRouter> {
  readonly client: TollgateClient<TRouter>;
  /** Set-Cookie lines the API sent during this request: append them to your response so the browser gets them. */
  setCookieHeaders(): string[];
}

/**
 * For server-side rendering: calls the API with the browser's cookies (pass
 * `req.headers.cookie`) and hands back the Set-Cookie headers to forward, so
 * a refresh that happens while rendering reaches the browser. Only cookies
 * the browser sent to this page are available: the refresh cookie is limited
 * to /trpc/auth.refresh, so render under that API origin or let the browser
 * refresh.
 */
export function createRequestScopedClient<TRouter extends TollgateRouter = AppRouter>(
  options: Omit<TollgateClientOptions, "cookieJar" | "crossTab"> & { readonly cookieHeader: string | undefined },
): RequestScopedClient<TRouter> {
  const { cookieHeader, ...rest } = options;
  if (!/^https?:\/\//.test(options.url)) {
    throw new TypeError("createRequestScopedClient needs the API's absolute URL (https://api.example.com/trpc)");
  }
  const jar = createForwardingJar(options.url, cookieHeader);
  const client = createTollgateClient<TRouter>({
    ...rest,
    cookieJar: jar,
    crossTab: false,
    proactiveRefresh: false,
  });
  return { client, setCookieHeaders: jar.setCookieHeaders };
}
