import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCookieHeader } from "@tollgate/auth";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { refuseCredentialBatch } from "./batch-policy.js";
import { type RequestInfo, readRequestInfo } from "./request-info.js";
import type { RequestLog } from "./request-log.js";
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
  /** Adds Set-Cookie lines to the response (all calls of a batch share them). */
  setCookies(lines: readonly string[]): void;
  setHeader(name: string, value: string): void;
  /** Filled by the auth middleware, for the request log. */
  readonly log: RequestLog;
}

export type CreateContext = (
  req: IncomingMessage,
  res: ServerResponse,
  info: TRPCRequestInfo,
  log: RequestLog,
) => Context;

export function createContextFactory(services: Services): CreateContext {
  const { config } = services;
  const requestInfoOptions = { trustProxy: config.trustProxy, host: config.host };
  return (req, res, info, log) => {
    refuseCredentialBatch(info);
    const csrf = req.headers["x-csrf-token"];
    return {
      services,
      request: readRequestInfo(req, requestInfoOptions),
      cookies: new LazyCookies(req.headers.cookie),
      authorization: req.headers.authorization,
      csrfHeader: Array.isArray(csrf) ? csrf[0] : csrf,
      setCookies(lines) {
        for (const line of lines) res.appendHeader("Set-Cookie", line);
      },
      setHeader(name, value) {
        res.setHeader(name, value);
      },
      log,
    };
  };
}
