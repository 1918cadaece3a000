import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCookieHeader } from "@tollgate/auth";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { refuseCredentialBatch } from "./batch-policy.js";
import { type RequestInfo, readRequestInfo } from "./request-info.js";
import { type RequestLog, requestLogFor } from "./request-log.js";
import type { Services } from "./services.js";

export interface Context {
  readonly services: Services;
  readonly request: RequestInfo;
  /** Every value of every cookie, in header order (duplicates are kept to refuse ambiguity). */
  readonly cookies: Map<string, string[]>;
  readonly authorization: string | undefined;
  readonly csrfHeader: string | undefined;
  /** Adds Set-Cookie lines to the response (all calls of a batch share them). */
  setCookies(lines: readonly string[]): void;
  setHeader(name: string, value: string): void;
  /** Filled by the auth middleware, for the request log. */
  readonly log: RequestLog;
}

export function createContextFactory(services: Services) {
  const { config } = services;
  return ({ req, res, info }: { req: IncomingMessage; res: ServerResponse; info: TRPCRequestInfo }): Context => {
    refuseCredentialBatch(info);
    const csrf = req.headers["x-csrf-token"];
    return {
      services,
      request: readRequestInfo(req, { trustProxy: config.trustProxy, host: config.host }),
      cookies: parseCookieHeader(req.headers.cookie),
      authorization: req.headers.authorization,
      csrfHeader: Array.isArray(csrf) ? csrf[0] : csrf,
      setCookies(lines) {
        for (const line of lines) res.appendHeader("Set-Cookie", line);
      },
      setHeader(name, value) {
        res.setHeader(name, value);
      },
      log: requestLogFor(req),
    };
  };
}
