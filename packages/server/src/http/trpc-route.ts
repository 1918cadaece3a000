import { AuthError } from "@tollgate/auth";
import type { AnyTRPCRouter } from "@trpc/server";
import { MAX_BATCH_SIZE } from "../batch-policy.js";
import type { CreateContext } from "../context.js";
import { toTRPCError } from "../errors.js";
import type { Services } from "../services.js";
import { type HttpAnswer, jsonAnswer } from "./answer.js";
import { corsAnswer } from "./cors.js";
import type { HttpRequest } from "./request.js";
import { clientAddressProblem } from "./request-info.js";
import type { RequestLog } from "./request-log.js";
import { createTrpcEndpoint, type TrpcCall } from "./trpc-endpoint.js";
import { trpcErrorAnswer } from "./trpc-error-answer.js";

/** Contract: bodies over 1 MiB are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** A /trpc request as the route hands it on: with its id and access-log fields. */
interface TollgateCall extends TrpcCall {
  readonly requestId: string;
  readonly log: RequestLog;
}

export type TrpcRoute = (
  request: HttpRequest,
  path: string,
  headers: Headers,
  requestId: string,
  log: RequestLog,
) => Promise<HttpAnswer>;

/**
 * `/trpc/*`: no-store, CORS (preflights answered here), 415 for a POST that
 * is not JSON, a known client address, then the router through the tRPC
 * endpoint (1 MiB bodies, batches of at most 10, the context factory).
 */
export function createTrpcRoute(services: Services, router: AnyTRPCRouter, createContext: CreateContext): TrpcRoute {
  const { logger, config } = services;
  const endpoint = createTrpcEndpoint({
    router,
    maxBatchSize: MAX_BATCH_SIZE,
    maxBodySize: MAX_BODY_BYTES,
    // tRPC writes its own Vary header; Origin is appended so caches keep CORS answers apart.
    vary: "Origin",
    createContext: (call: TollgateCall, info) =>
      createContext({ request: call.request, responseHeaders: call.responseHeaders, log: call.log }, info),
    onError({ error, path: procedure, call }) {
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
        logger.error({ requestId: call.requestId, procedure, err: error.cause ?? error }, "procedure failed");
      }
    },
  });

  return async (request, path, headers, requestId, log) => {
    headers.set("Cache-Control", "no-store");
    // CORS headers depend on Origin, on refusals too: caches keep answers to different origins apart.
    headers.set("Vary", "Origin");
    const cors = corsAnswer(request.header("origin"), request.method, config.corsOrigins);
    for (const [name, value] of cors.headers) headers.set(name, value);
    if (cors.preflightStatus !== undefined) return { status: cors.preflightStatus, headers, body: null };
    if (request.method === "POST" && !isJson(request.header("content-type"))) {
      // Only JSON reaches a procedure: a form or text/plain POST (which a
      // foreign page can send without a CORS preflight) is refused here.
      const refusal = new AuthError("BODY_NOT_JSON", "Content-Type must be application/json");
      return trpcErrorAnswer(router, toTRPCError(refusal), headers);
    }
    const problem = clientAddressProblem(request.clientAddress, config.trustProxy, request.header("x-forwarded-for"));
    if (problem) {
      // The host's mistake, not the client's: said plainly to whoever runs it.
      logger.error({ requestId }, problem);
      return jsonAnswer(500, { error: problem }, headers);
    }
    return endpoint({ request, path, responseHeaders: new Headers(), requestId, log }, headers);
  };
}
