import { parseCookieHeader } from "@tollgate/auth";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { refuseCredentialBatch } from "./batch-policy.js";
import type { RequestSource } from "./http/request.js";
import { type RequestInfo, readRequestInfo } from "./http/request-info.js";
import type { RequestLog } from "./http/request-log.js";
import type { Services } from "./services.js";

/** Every value of every cookie, in header order (duplicates are kept to refuse ambiguity). */
export interface RequestCookies {
  get(name: string): readonly string[] | undefined;
}

/** The Cookie header, parsed when a procedure first asks for a cookie (public calls never do). */
class LazyCookies implements RequestCookies {
  #parsed: Map<string, string[]> | undefined;
  constructor(private readonly header: string | undefined) {}
  get(name: string): readonly string[] | undefined {
    this.#parsed ??= parseCookieHeader(this.header);
    return this.#parsed.get(name);
  }
}

export interface Context {
  readonly services: Services;
  readonly request: RequestInfo;
  readonly cookies: RequestCookies;
  readonly authorization: string | undefined;
  readonly csrfHeader: string | undefined;
  /**
   * Adds Set-Cookie lines to the response (all calls of a batch share them).
   * They go into the request's response headers, which every adapter
   * (node:http, Fetch) copies onto its response: the same cookies everywhere.
   */
  setCookies(lines: readonly string[]): void;
  setHeader(name: string, value: string): void;
  /** Filled by the auth middleware, for the request log. */
  readonly log: RequestLog;
}

/** What an adapter hands to the context: the request, and headers it copies onto its response. */
export interface ContextSource {
  readonly request: RequestSource;
  readonly responseHeaders: Headers;
  readonly log: RequestLog;
}

export type CreateContext = (source: ContextSource, info: TRPCRequestInfo) => Context;

export function createContextFactory(services: Services): CreateContext {
  const requestInfoOptions = requestInfoOptionsOf(services);
  return (source, info) => {
    // Every router served with this context, the user's procedures included, gets the batch policy.
    refuseCredentialBatch(info);
    return buildContext(services, requestInfoOptions, source);
  };
}

/** A request's context outside tRPC (a method's own HTTP routes): the same facts procedures get. */
export function createRequestContext(services: Services, source: ContextSource): Context {
  return buildContext(services, requestInfoOptionsOf(services), source);
}

function requestInfoOptionsOf({ config }: Services) {
  return { trustProxy: config.trustProxy, host: config.host };
}

function buildContext(
  services: Services,
  requestInfoOptions: ReturnType<typeof requestInfoOptionsOf>,
  { request, responseHeaders, log }: ContextSource,
): Context {
  return {
    services,
    request: readRequestInfo(request, requestInfoOptions),
    cookies: new LazyCookies(request.header("cookie")),
    authorization: request.header("authorization"),
    csrfHeader: request.header("x-csrf-token"),
    setCookies(lines) {
      for (const line of lines) responseHeaders.append("Set-Cookie", line);
    },
    setHeader(name, value) {
      responseHeaders.set(name, value);
    },
    log,
  };
}
