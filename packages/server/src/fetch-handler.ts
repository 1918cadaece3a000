import { randomUUID } from "node:crypto";
import { type AnyTRPCRouter, TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { MAX_BATCH_SIZE } from "./batch-policy.js";
import type { CreateContext } from "./context.js";
import { corsAnswer } from "./cors.js";
import {
  checkHealth,
  isJson,
  MAX_BODY_BYTES,
  SECURITY_HEADERS,
  TRPC_PREFIX,
  UNSUPPORTED_MEDIA_TYPE_BODY,
} from "./http.js";
import { JWKS_PATH, jwksAnswer } from "./jwks-route.js";
import { clientAddressProblem, fetchRequestSource, isValidHostHeader } from "./request-info.js";
import type { RequestLog } from "./request-log.js";
import type { Services } from "./services.js";

/**
 * Tollgate on the Fetch API (Request → Response): Hono, Next.js route
 * handlers, Bun, Deno, Cloudflare-style runtimes. The same rules as the
 * node:http listener: security headers, CORS, 415 for non-JSON POSTs, 413
 * over 1 MiB, the batch limit and policy, and the cookies the procedures set
 * (copied from the context's response headers).
 */
export interface FetchHandlerCallOptions {
  /**
   * The client's address as the host knows it (`c.env.incoming.socket.remoteAddress`
   * on @hono/node-server, `server.requestIP(req)` on Bun): per-client sign-in
   * limits need it. With TRUST_PROXY the right-most X-Forwarded-For entry wins.
   * Required: without it every client would count against one shared limit, so
   * a stranger's wrong guesses would lock the owner out (see clientAddressProblem).
   */
  readonly clientAddress: string | undefined;
}

export type FetchHandler = (request: Request, options: FetchHandlerCallOptions) => Promise<Response>;

function json(status: number, body: unknown, headers: Headers): Response {
  headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify(body), { status, headers });
}

/** The body as text, at most `limit` bytes (a larger one is PAYLOAD_TOO_LARGE, 413). */
async function readLimited(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get("content-length")) > limit) throw new TRPCError({ code: "PAYLOAD_TOO_LARGE" });
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TRPCError({ code: "PAYLOAD_TOO_LARGE" });
    }
    text += decoder.decode(value, { stream: true });
  }
  // TextDecoder drops a leading byte order mark, as Fetch's text() does.
  return text + decoder.decode();
}

export function createFetchHandler(
  services: Services,
  router: AnyTRPCRouter,
  createContext: CreateContext,
  prefix = TRPC_PREFIX,
): FetchHandler {
  const { logger, config, metrics } = services;

  async function trpc(
    request: Request,
    path: string,
    headers: Headers,
    log: RequestLog,
    options: FetchHandlerCallOptions,
    requestId: string,
  ) {
    const cors = corsAnswer(request.headers.get("origin") ?? undefined, request.method, config.corsOrigins);
    for (const [name, value] of cors.headers) headers.set(name, value);
    if (cors.preflightStatus !== undefined) return new Response(null, { status: cors.preflightStatus, headers });
    if (request.method === "POST" && !isJson(request.headers.get("content-type") ?? undefined)) {
      return json(415, UNSUPPORTED_MEDIA_TYPE_BODY, headers);
    }
    const problem = clientAddressProblem(
      options?.clientAddress,
      config.trustProxy,
      request.headers.get("x-forwarded-for") ?? undefined,
    );
    if (problem) {
      logger.error({ requestId }, problem);
      return json(500, { error: problem }, headers);
    }
    const responseHeaders = new Headers();
    const source = fetchRequestSource(request, options?.clientAddress);
    const view = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      text: () => readLimited(request, MAX_BODY_BYTES),
    };
    const response = await resolveResponse({
      router,
      req: view as unknown as Request,
      path,
      error: null,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: async ({ info }) => createContext({ request: source, responseHeaders, log }, info),
      onError({ error, path: procedure }) {
        if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
          logger.error({ requestId, procedure, err: error.cause ?? error }, "procedure failed");
        }
      },
    });
    for (const [name, value] of response.headers) {
      if (name === "set-cookie") continue;
      headers.set(name, name === "vary" ? `${value}, Origin` : value);
    }
    if (!headers.has("vary")) headers.set("Vary", "Origin");
    for (const line of response.headers.getSetCookie()) headers.append("Set-Cookie", line);
    for (const line of responseHeaders.getSetCookie()) headers.append("Set-Cookie", line);
    for (const [name, value] of responseHeaders) if (name !== "set-cookie") headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  }

  return async (request, options) => {
    const started = performance.now();
    const requestId = randomUUID();
    const log: RequestLog = { procedure: undefined, userId: undefined };
    const headers = new Headers();
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
    headers.set("X-Request-Id", requestId);
    let response: Response;
    let pathname = "";
    try {
      pathname = new URL(request.url).pathname;
      const host = request.headers.get("host");
      if (host !== null && !isValidHostHeader(host)) {
        // As on node:http: a Host that is not host[:port] never reaches a procedure (nor a mail link).
        response = json(400, { error: "Bad Host header: it must be host[:port]" }, headers);
      } else if (pathname.startsWith(prefix)) {
        headers.set("Cache-Control", "no-store");
        log.procedure = pathname.slice(prefix.length);
        response = await trpc(request, log.procedure, headers, log, options, requestId);
      } else if (pathname === "/healthz") {
        headers.set("Cache-Control", "no-store");
        const health = await checkHealth(services);
        response = json(health.status, health.body, headers);
      } else if (pathname === JWKS_PATH) {
        const answer = jwksAnswer(services, request.method);
        for (const [name, value] of answer.headers) headers.set(name, value);
        response = new Response(answer.body ?? null, { status: answer.status, headers });
      } else {
        response = json(404, { error: "Not found" }, headers);
      }
    } catch (error) {
      logger.error({ requestId, err: error }, "request failed");
      response = json(500, { error: "Internal server error" }, headers);
    }
    const durationMs = performance.now() - started;
    metrics.request(log.procedure, response.status, durationMs);
    logger.info(
      {
        requestId,
        method: request.method,
        path: log.procedure ? undefined : pathname,
        procedure: log.procedure,
        status: response.status,
        durationMs,
        userId: log.userId,
      },
      "request",
    );
    return response;
  };
}
