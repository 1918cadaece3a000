import { AuthError } from "@tollgate/auth";
import { type AnyTRPCRouter, getTRPCErrorFromUnknown, type inferRouterContext, TRPCError } from "@trpc/server";
import { type HTTPErrorHandler, resolveResponse, type TRPCRequestInfo } from "@trpc/server/http";
import { toTRPCError } from "../errors.js";
import type { HttpAnswer } from "./answer.js";
import { BodyAbortedError, BodyAlreadyReadError, BodyTooLargeError, type HttpRequest } from "./request.js";
import { trpcErrorAnswer } from "./trpc-error-answer.js";

/**
 * tRPC over the pipeline's request facts, through tRPC's own
 * `resolveResponse`, so batching, status codes (207 for mixed batches) and
 * error shapes are tRPC's. What tRPC's adapters do per request and this
 * does not:
 * - no Fetch `Request` (a `Headers` copy of every header, a `ReadableStream`
 *   over the body): `resolveResponse` gets a view with what it reads (url,
 *   method, headers.get/has, signal, text());
 * - no body stream for a JSON answer: its bytes are taken whole, and the
 *   adapter writes them at once with Content-Length. Only an answer the
 *   client asked to stream (`trpc-accept: application/jsonl`, a
 *   subscription) stays a stream.
 */

/** One request for the tRPC endpoint; the caller may carry more (ids, log fields) in it. */
export interface TrpcCall {
  readonly request: HttpRequest;
  /** The procedure path(s) after the prefix: `user.me`, or `a,b` for a batch. */
  readonly path: string;
  /** Headers the procedures set (cookies, Retry-After), copied onto the answer. */
  readonly responseHeaders: Headers;
}

export interface TrpcEndpointOptions<TRouter extends AnyTRPCRouter, TCall extends TrpcCall> {
  readonly router: TRouter;
  /** Batches of more calls are refused whole (400 BATCH_TOO_LARGE) before any runs. */
  readonly maxBatchSize: number;
  /** Bodies above this many bytes are refused with PAYLOAD_TOO_LARGE (413). */
  readonly maxBodySize: number;
  /** Added to tRPC's Vary header. */
  readonly vary?: string;
  /** Called once per request with the calls tRPC parsed (`info.calls`); may throw to refuse them all. */
  readonly createContext: (call: TCall, info: TRPCRequestInfo) => inferRouterContext<TRouter>;
  readonly onError?: (opts: { error: TRPCError; path: string | undefined; call: TCall }) => void;
}

/** What the body reader's failures mean to tRPC (which makes them the calls' errors). */
function bodyError(cause: unknown): unknown {
  if (cause instanceof BodyTooLargeError) return toTRPCError(new AuthError("BODY_TOO_LARGE", cause.message, { cause }));
  if (cause instanceof BodyAbortedError) return new TRPCError({ code: "CLIENT_CLOSED_REQUEST", cause });
  if (cause instanceof BodyAlreadyReadError)
    return toTRPCError(new AuthError("BODY_ALREADY_READ", cause.message, { cause }));
  return cause;
}

/** `Headers.get`/`has` over the request's headers (the names tRPC asks for are lower-case already). */
class HeadersView {
  constructor(private readonly request: HttpRequest) {}
  get(name: string): string | null {
    return this.request.header(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.request.header(name.toLowerCase()) !== undefined;
  }
}

/** What `resolveResponse` reads of a Fetch `Request`, over the request facts. */
class RequestView<TCall extends TrpcCall> {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersView;
  readonly signal: AbortSignal;
  constructor(
    readonly call: TCall,
    private readonly maxBodySize: number,
  ) {
    const { request } = call;
    this.url = `${request.encrypted ? "https" : "http"}://${request.header("host") ?? "localhost"}${request.target}`;
    this.method = request.method;
    this.headers = new HeadersView(request);
    this.signal = request.signal;
  }
  text(): Promise<string> {
    return this.call.request.readBody(this.maxBodySize).catch((cause: unknown) => Promise.reject(bodyError(cause)));
  }
}

const NO_BYTES = new Uint8Array(0);

/** A JSON answer's bytes, as they are: no decoding to text and encoding back. */
async function bodyBytes(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  if (chunks.length === 0) return NO_BYTES;
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/** tRPC asked for a streamed answer (JSON lines, server-sent events): anything but a whole JSON document. */
function isStreamed(headers: Headers): boolean {
  const type = headers.get("content-type");
  return headers.has("transfer-encoding") || (type !== null && type !== "application/json");
}

/** A comma between calls, as sent or percent-encoded (tRPC decodes the path before splitting it). */
const CALL_SEPARATOR = /,|%2c/gi;

/** More calls than allowed, in a batch (`?batch=1`): counted before tRPC parses anything. */
function overBatchLimit(call: TrpcCall, maxBatchSize: number): boolean {
  const calls = (call.path.match(CALL_SEPARATOR)?.length ?? 0) + 1;
  if (calls <= maxBatchSize) return false;
  const query = call.request.target.indexOf("?");
  return query !== -1 && new URLSearchParams(call.request.target.slice(query)).get("batch") === "1";
}

/**
 * The tRPC endpoint: `(call, headers) → answer`. `headers` holds what the
 * pipeline already decided (security headers, CORS); the procedures' headers
 * (`call.responseHeaders`) and tRPC's own are added to it.
 */
export function createTrpcEndpoint<TRouter extends AnyTRPCRouter, TCall extends TrpcCall>(
  options: TrpcEndpointOptions<TRouter, TCall>,
): (call: TCall, headers: Headers) => Promise<HttpAnswer> {
  const { router, maxBatchSize, maxBodySize, onError, vary, createContext } = options;
  // tRPC hands back the request it was given: the view, which knows its call.
  const handleError: HTTPErrorHandler<TRouter, Request> | undefined = onError
    ? ({ error, path, req }) => onError({ error, path, call: (req as unknown as RequestView<TCall>).call })
    : undefined;

  /** Copies the procedures' headers (Set-Cookie lines one by one) onto the answer. */
  function copyProcedureHeaders(call: TCall, headers: Headers): void {
    for (const line of call.responseHeaders.getSetCookie()) headers.append("Set-Cookie", line);
    for (const [name, value] of call.responseHeaders) if (name !== "set-cookie") headers.set(name, value);
  }

  /** A refusal outside any call (tRPC's adapters answer such failures the same way). */
  function refuse(call: TCall, headers: Headers, cause: unknown): HttpAnswer {
    const error =
      cause instanceof TypeError && (cause as { code?: unknown }).code === "ERR_INVALID_URL"
        ? new TRPCError({ code: "BAD_REQUEST", message: "Invalid URL", cause })
        : getTRPCErrorFromUnknown(cause);
    onError?.({ error, path: undefined, call });
    copyProcedureHeaders(call, headers);
    return trpcErrorAnswer(router, error, headers);
  }

  return async function answerTrpc(call: TCall, headers: Headers): Promise<HttpAnswer> {
    try {
      if (overBatchLimit(call, maxBatchSize)) {
        const refusal = new AuthError("BATCH_TOO_LARGE", `A batch holds at most ${maxBatchSize} calls`);
        return trpcErrorAnswer(router, toTRPCError(refusal), headers);
      }
      const response = await resolveResponse<TRouter>({
        router,
        // resolveResponse reads only what RequestView has (see above).
        req: new RequestView(call, maxBodySize) as unknown as Request,
        path: call.path,
        error: null,
        maxBatchSize,
        createContext: async ({ info }) => createContext(call, info),
        ...(handleError ? { onError: handleError } : {}),
      });
      copyProcedureHeaders(call, headers);
      let varied = false;
      for (const [name, value] of response.headers) {
        if (name === "set-cookie") {
          headers.append("Set-Cookie", value);
        } else if (name === "vary") {
          varied = true;
          headers.set(name, vary ? `${value}, ${vary}` : value);
        } else {
          headers.set(name, value);
        }
      }
      if (vary && !varied) headers.set("Vary", vary);
      if (response.body === null) return { status: response.status, headers, body: null };
      const body = isStreamed(response.headers) ? response.body : await bodyBytes(response.body);
      return { status: response.status, headers, body };
    } catch (cause) {
      return refuse(call, headers, cause);
    }
  };
}
