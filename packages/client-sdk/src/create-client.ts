import { MAX_BATCH_SIZE } from "@tollgate/auth/protocol";
import type { AppRouter } from "@tollgate/server";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClient, type TRPCLink } from "@trpc/client";
// biome-ignore lint/style/noRestrictedImports: a type only, erased from the bundle (the router constraint)
import type { AnyTRPCRouter } from "@trpc/server";
import { type CookieJarLike, type FetchLike, fetchWithCookieJar } from "./cookie-jar.js";
import { createCrossTab } from "./cross-tab.js";
import { csrfFromCookieString, csrfFromDocument } from "./csrf.js";
import { SIGN_IN_PROCEDURES } from "./procedures.js";

import { refreshLink } from "./refresh-link.js";
import { createRefresher, type RefreshTimers, type SessionEndReason } from "./refresher.js";

export interface TollgateClientOptions {
  /** The tRPC endpoint: "/trpc" in a browser on the same origin, an absolute URL elsewhere. */
  readonly url: string;
  /**
   * Runs once when the session ends without this tab asking: a refresh was
   * refused ("expired"), or another tab signed out ("signed-out").
   */
  readonly onSessionExpired?: (reason: SessionEndReason) => void;
  /** Node and scripts: keep cookies here (e.g. tough-cookie's `new CookieJar()`). Browsers use their own. */
  readonly cookieJar?: CookieJarLike;
  /** Reads the CSRF token; default: the csrf cookie (from the jar, or document.cookie). */
  readonly csrfToken?: () => string | undefined | Promise<string | undefined>;
  readonly fetch?: FetchLike;
  /**
   * Refresh this many seconds before the access token expires (default 30), timed
   * from the lifetime the server reports, never sooner than half of it nor 5 s
   * after the last refresh; false: only on 401.
   */
  readonly proactiveRefresh?: false | { readonly leadSeconds: number };
  /** Coordinate refresh and sign-out across tabs (Web Locks, BroadcastChannel). Default true. */
  readonly crossTab?: boolean;
  /** Batch concurrent calls into one request (default true). */
  readonly batch?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock (tests). */
  readonly now?: () => number;
  /** Timers of the refresher's waits (tests pass ones their clock drives); default setTimeout and clearTimeout. */
  readonly timers?: RefreshTimers;
}

/**
 * A router that includes Tollgate's: Tollgate's own (`AppRouter`), or an app's
 * router that merges it with procedures of its own (`mergeRouters(tollgateRouter, notesRouter)`).
 * The SDK relies on auth.login, auth.refresh and auth.logout being where Tollgate puts them.
 */
export type TollgateRouter = AnyTRPCRouter & { _def: { record: AppRouter["_def"]["record"] } };

/** Every procedure of the server, typed from its router (Tollgate's by default). */
export type TollgateClient<TRouter extends TollgateRouter = AppRouter> = TRPCClient<TRouter>;

function absolute(url: string): string {
  if (/^https?:\/\//.test(url)) return url;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  if (!base) throw new TypeError("A relative url needs a browser page; give an absolute URL in Node");
  return new URL(url, base).href;
}

/**
 * Tollgate's links, for any tRPC client (`createTRPCClient`, `@trpc/tanstack-react-query`'s
 * `createTRPCContext`/`createTRPCOptionsProxy`): cookies with every call, the
 * CSRF header on mutations, one shared refresh on UNAUTHORIZED and one retry,
 * credential checks and auth.refresh sent alone. Put them last: the terminating link is theirs.
 */
export function tollgateLinks<TRouter extends TollgateRouter = AppRouter>(
  options: TollgateClientOptions,
): TRPCLink<TRouter>[] {
  const now = options.now ?? Date.now;
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const jar = options.cookieJar;
  const jarFetch = jar ? fetchWithCookieJar(jar, baseFetch) : baseFetch;
  // Cookies travel with every call, cross-origin too (CORS_ORIGINS on the server).
  const fetchWithCredentials: FetchLike = (input, init) => jarFetch(input, { ...init, credentials: "include" });

  const readCsrf = async (): Promise<string | undefined> => {
    if (options.csrfToken) return options.csrfToken();
    if (jar) return csrfFromCookieString(await jar.getCookieString(absolute(options.url)));
    return csrfFromDocument();
  };
  const headersFor = async (isMutation: boolean): Promise<Record<string, string>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (isMutation) {
      const csrf = await readCsrf();
      if (csrf) headers["x-csrf-token"] = csrf;
    }
    return headers;
  };
  // The links never look at the router's types; Tollgate's routers have no transformer.
  const single = httpLink<AppRouter>({
    url: options.url,
    fetch: fetchWithCredentials,
    headers: ({ op }) => headersFor(op.type === "mutation"),
  });
  const terminating =
    options.batch === false
      ? single
      : splitLink<AppRouter>({
          // Credential checks (the server refuses them batched) and auth.refresh (its cookie's Path) go alone.
          condition: (op) => SIGN_IN_PROCEDURES.has(op.path),
          true: single,
          false: httpBatchLink<AppRouter>({
            url: options.url,
            // The server refuses batches of more than 10 calls: larger groups go as several batches.
            maxItems: MAX_BATCH_SIZE,
            fetch: fetchWithCredentials,
            headers: ({ opList }) => headersFor(opList.some((op) => op.type === "mutation")),
          }),
        });

  // The refresher's own link: it also keeps the answer's Date, the server's clock.
  let refreshDate: string | null = null;
  const refreshClient = createTRPCClient<AppRouter>({
    links: [
      httpLink<AppRouter>({
        url: options.url,
        fetch: async (input, init) => {
          const response = await fetchWithCredentials(input, init);
          refreshDate = response.headers.get("date");
          return response;
        },
        headers: () => headersFor(true),
      }),
    ],
  });
  const refresher = createRefresher({
    // One refresh at a time (the refresher's lock), so one `refreshDate` is enough.
    refresh: async () => {
      refreshDate = null;
      const { accessTokenExpiresAt } = await refreshClient.auth.refresh.mutate();
      return { accessTokenExpiresAt, serverDate: refreshDate };
    },
    crossTab: createCrossTab("tollgate", options.crossTab !== false, now),
    onSessionEnded: (reason) => options.onSessionExpired?.(reason),
    proactiveLeadMs: options.proactiveRefresh === false ? false : (options.proactiveRefresh?.leadSeconds ?? 30) * 1000,
    now,
    timers: options.timers,
  });

  return [refreshLink<TRouter>(refresher, now), terminating as unknown as TRPCLink<TRouter>];
}

/**
 * A typed client. Generic over the server's router when the app adds
 * procedures of its own: `createTollgateClient<AppRouter>({ url: "/trpc" })`
 * with the app's `AppRouter` (it must include Tollgate's routers).
 */
export function createTollgateClient<TRouter extends TollgateRouter = AppRouter>(
  options: TollgateClientOptions,
): TollgateClient<TRouter> {
  return createTRPCClient<TRouter>({ links: tollgateLinks<TRouter>(options) });
}
