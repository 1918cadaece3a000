import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyTRPCRouter } from "@trpc/server";
import { sql } from "kysely";
import { MAX_BATCH_SIZE } from "./batch-policy.js";
import { createContextFactory } from "./context.js";
import { applyCors } from "./cors.js";
import { JWKS_PATH, serveJwks } from "./jwks-route.js";
import { isValidHostHeader, nodeRequestSource } from "./request-info.js";
import type { RequestLog } from "./request-log.js";
import type { Services } from "./services.js";
import { serveStatic } from "./static-files.js";
import { createTrpcHandler, type TrpcCall } from "./trpc-http.js";

interface TrpcRequest extends TrpcCall {
  readonly requestId: string;
  readonly log: RequestLog;
  readonly responseHeaders: Headers;
}

/** Contract: bodies over 1 MiB are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const TRPC_PREFIX = "/trpc/";

/** Sent with every answer, on every adapter. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

/** The answer to a POST whose body is not JSON (415). */
export const UNSUPPORTED_MEDIA_TYPE_BODY = {
  error: {
    message: "Content-Type must be application/json",
    code: -32015,
    data: { code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 },
  },
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

export function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** A tRPC target as clients send it (`/trpc/user.me?input=…`): one whose path URL parsing leaves as it is. */
const PLAIN_TRPC_TARGET = /^\/trpc\/[\w,][\w.,]*(?=\?|$)/;

/** The request's path, or undefined when the request target cannot be parsed. */
function pathnameOf(target: string | undefined): string | undefined {
  const plain = target === undefined ? null : PLAIN_TRPC_TARGET.exec(target);
  if (plain) return plain[0];
  try {
    return new URL(target ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** GET /healthz on any transport: the status and the JSON body. */
export async function checkHealth(services: Services): Promise<{ status: number; body: unknown }> {
  try {
    await sql`select 1`.execute(services.database.db);
    // "live": ended sessions are known in memory; "database": the channel is down, each token's session is read.
    return { status: 200, body: { status: "ok", revocations: services.auth.revocations.mode } };
  } catch {
    return { status: 503, body: { status: "unavailable", reason: "database unreachable" } };
  }
}

/** Whether Tollgate's handlers answer this request target (/trpc/*, /healthz, the JWKS): what a host routes to them. */
export function handlesTarget(target: string | undefined): boolean {
  const pathname = pathnameOf(target);
  return (
    pathname !== undefined && (pathname.startsWith(TRPC_PREFIX) || pathname === "/healthz" || pathname === JWKS_PATH)
  );
}

async function healthz(services: Services, res: ServerResponse): Promise<void> {
  res.setHeader("Cache-Control", "no-store");
  const { status, body } = await checkHealth(services);
  sendJson(res, status, body);
}

/**
 * The request listener: security headers, CORS, /healthz, /trpc and the demo
 * page. `router` is Tollgate's, or a user's router that merges it (createTollgate).
 */
export function createRequestListener(services: Services, router: AnyTRPCRouter) {
  const createContext = createContextFactory(services);
  const { logger, config } = services;
  const handleTrpc = createTrpcHandler({
    router,
    maxBatchSize: MAX_BATCH_SIZE,
    maxBodySize: MAX_BODY_BYTES,
    // tRPC writes its own Vary header; Origin is appended so caches keep CORS answers apart.
    vary: "Origin",
    createContext: (call: TrpcRequest, info) =>
      createContext(
        { request: nodeRequestSource(call.req), responseHeaders: call.responseHeaders, log: call.log },
        info,
      ),
    onError({ error, path: procedure, call }) {
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
        logger.error({ requestId: call.requestId, procedure, err: error.cause ?? error }, "procedure failed");
      }
    },
  });

  /**
   * With `next` (Express, Connect: mount it at the root, before any body
   * parser), requests for other paths go on untouched to the app's routes.
   */
  return async (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> => {
    if (next !== undefined && !handlesTarget(req.url)) return next();
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const log: RequestLog = { procedure: undefined, userId: undefined };
    res.setHeader("X-Request-Id", requestId);
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    res.on("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      services.metrics.request(log.procedure, res.statusCode, durationMs);
      logger.info(
        {
          requestId,
          method: req.method,
          path: log.procedure ? undefined : (req.url ?? "").split("?")[0],
          procedure: log.procedure,
          status: res.statusCode,
          durationMs,
          userId: log.userId,
        },
        "request",
      );
    });

    try {
      const host = req.headers.host;
      if (host !== undefined && !isValidHostHeader(host)) {
        // Before any procedure: a Host such as `localhost\@evil.example` must never become a link.
        return sendJson(res, 400, { error: "Bad Host header: it must be host[:port]" });
      }
      const pathname = pathnameOf(req.url);
      if (pathname === undefined) return sendJson(res, 400, { error: "Bad request target" });
      if (pathname.startsWith(TRPC_PREFIX)) {
        res.setHeader("Cache-Control", "no-store");
        if (applyCors(req, res, config.corsOrigins)) return;
        const path = pathname.slice(TRPC_PREFIX.length);
        log.procedure = path;
        if (req.method === "POST" && !isJson(req.headers["content-type"])) {
          // Only JSON reaches a procedure: a form or text/plain POST (which a
          // foreign page can send without a CORS preflight) is refused here.
          return sendJson(res, 415, UNSUPPORTED_MEDIA_TYPE_BODY);
        }
        await handleTrpc({ req, res, path, requestId, log, responseHeaders: new Headers() });
        return;
      }
      if (pathname === "/healthz") return await healthz(services, res);
      if (pathname === JWKS_PATH) return serveJwks(services, req, res);
      if (config.webRoot && (await serveStatic(config.webRoot, req, res, pathname))) return;
      sendJson(res, 404, { error: "Not found" });
    } catch (error) {
      logger.error({ requestId, err: error }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "Internal server error" });
      else res.destroy();
    }
  };
}
