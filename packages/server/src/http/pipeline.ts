import { randomUUID } from "node:crypto";
import { AuthError, type AuthErrorCode } from "@tollgate/auth";
import type { AnyTRPCRouter } from "@trpc/server";
import { type CreateContext, createRequestContext } from "../context.js";
import { methodRoutesFor } from "../core/served-methods.js";
import { toTRPCError } from "../errors.js";
import type { Services } from "../services.js";
import { errorAnswer, type HttpAnswer } from "./answer.js";
import { healthAnswer } from "./health.js";
import { JWKS_PATH, jwksAnswer } from "./jwks-route.js";
import type { HttpRequest } from "./request.js";
import { isValidHostHeader } from "./request-info.js";
import type { RequestLog } from "./request-log.js";
import { staticAnswer } from "./static-files.js";
import { HEALTH_PATH, pathnameOf, TRPC_PREFIX } from "./targets.js";
import { trpcErrorAnswer } from "./trpc-error-answer.js";
import { createTrpcRoute, MAX_BODY_BYTES } from "./trpc-route.js";

/** Sent with every answer, on every transport. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

/** What every answer starts with: the security headers and the request's id. */
function baseHeaders(requestId: string): Headers {
  const headers = new Headers(SECURITY_HEADERS as [string, string][]);
  headers.set("X-Request-Id", requestId);
  return headers;
}

/**
 * Tollgate's HTTP rules, once, for every transport: a request's facts in, an
 * answer out. The adapters (node-adapter.ts, fetch-adapter.ts) only read a
 * request into an HttpRequest and write the HttpAnswer back, so node:http,
 * Express, Fastify, Hono, Bun or a worker give the same answer to the same
 * request, failures included.
 */
export type Pipeline = (request: HttpRequest) => Promise<HttpAnswer>;

export interface PipelineOptions {
  readonly services: Services;
  /** Tollgate's router, or an app's router that merges it. */
  readonly router: AnyTRPCRouter;
  /** The app's one context factory (the same one `tollgate.createContext` uses). */
  readonly createContext: CreateContext;
}

/**
 * Every request: a request id and the security headers; a Host that is not
 * host[:port] refused; `/trpc/*` (trpc-route.ts), `/healthz`, the JWKS, the
 * methods' own routes (`/auth/oidc/…`), the account page (webRoot), else 404; an unexpected failure is 500 and logged;
 * then one access-log line and the request's duration in the metrics.
 */
export function createPipeline({ services, router, createContext }: PipelineOptions): Pipeline {
  const { logger, config, metrics, traffic } = services;
  const trpc = createTrpcRoute(services, router, createContext);

  /** A refusal in the shape its path calls for: tRPC's error JSON under /trpc, `{ error: { code, message } }` elsewhere. */
  function refusal(
    pathname: string | undefined,
    status: number,
    code: AuthErrorCode,
    message: string,
    headers: Headers,
  ): HttpAnswer {
    if (pathname?.startsWith(TRPC_PREFIX)) {
      return trpcErrorAnswer(router, toTRPCError(new AuthError(code, message)), headers);
    }
    return errorAnswer(status, code, message, headers);
  }

  async function route(
    request: HttpRequest,
    pathname: string | undefined,
    headers: Headers,
    requestId: string,
    log: RequestLog,
  ): Promise<HttpAnswer> {
    const host = request.header("host");
    if (host !== undefined && !isValidHostHeader(host)) {
      // Before any procedure: a Host such as `localhost\@evil.example` must never become a link.
      return refusal(pathname, 400, "REQUEST_INVALID", "Bad Host header: it must be host[:port]", headers);
    }
    if (pathname === undefined) return refusal(pathname, 400, "REQUEST_INVALID", "Bad request target", headers);
    if (pathname.startsWith(TRPC_PREFIX)) {
      log.procedure = pathname.slice(TRPC_PREFIX.length);
      return await trpc(request, log.procedure, headers, requestId, log);
    }
    if (pathname === HEALTH_PATH) return await healthAnswer(services, headers);
    if (pathname === JWKS_PATH) return jwksAnswer(services, request.method, headers);
    const methodRoutes = methodRoutesFor(services, pathname);
    if (methodRoutes) {
      const ctx = createRequestContext(services, { request, responseHeaders: headers, log });
      const query = new URL(request.target, "http://localhost").searchParams;
      const methodRequest = {
        method: request.method,
        pathname,
        query,
        header: (name: string) => request.header(name),
        readBody: () => request.readBody(MAX_BODY_BYTES),
      };
      return await methodRoutes.handle(ctx, methodRequest, headers);
    }
    const page = config.webRoot ? await staticAnswer(config.webRoot, request.method, pathname, headers) : undefined;
    return page ?? refusal(pathname, 404, "NOT_FOUND", "Not found", headers);
  }

  return async (request) => {
    const started = performance.now();
    const requestId = randomUUID();
    const log: RequestLog = { procedure: undefined, userId: undefined };
    const pathname = pathnameOf(request.target);
    // For the doctor: a proxy in front (TRUST_PROXY), services looking for keys (HS256).
    traffic.record(request.header("x-forwarded-for") !== undefined, pathname === JWKS_PATH);
    let answer: HttpAnswer;
    try {
      answer = await route(request, pathname, baseHeaders(requestId), requestId, log);
    } catch (error) {
      logger.error({ requestId, err: error }, "request failed");
      // Fresh headers: nothing half-decided (a cookie, a content type) goes out with the 500.
      answer = refusal(pathname, 500, "INTERNAL_ERROR", "Internal server error", baseHeaders(requestId));
    }
    const durationMs = performance.now() - started;
    metrics.request(log.procedure, answer.status, durationMs);
    logger.info(
      {
        requestId,
        method: request.method,
        path: log.procedure ? undefined : request.target.split("?")[0],
        procedure: log.procedure,
        status: answer.status,
        durationMs,
        userId: log.userId,
      },
      "request",
    );
    return answer;
  };
}
