import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type inferRouterContext,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import { type HTTPErrorHandler, resolveResponse, type TRPCRequestInfo } from "@trpc/server/http";

/**
 * tRPC over node:http with less per-request work than tRPC's node adapter
 * (`nodeHTTPRequestHandler`), still through tRPC's own `resolveResponse`, so
 * batching, status codes (207 for mixed batches) and error shapes are tRPC's.
 * What the adapter does per request and this does not:
 * - no Fetch `Request` (a `Headers` copy of every header, a `ReadableStream`
 *   over the body): `resolveResponse` gets a view of the IncomingMessage with
 *   what it reads (url, method, headers.get/has, signal, text());
 * - no AbortController and close/aborted listeners per request: the signal is
 *   one per connection, aborted when the socket closes (a client that leaves);
 * - no `WritableStream` pipe writing the body chunked: a JSON answer is read
 *   whole and written at once with Content-Length.
 */

/** One request for the tRPC endpoint; the caller may carry more (ids, log fields) in it. */
export interface TrpcCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The procedure path(s) after the prefix: `user.me`, or `a,b` for a batch. */
  readonly path: string;
  /** Headers the procedures set (cookies, Retry-After), copied onto the response. */
  readonly responseHeaders?: Headers;
}

/** Copies the procedures' headers (Set-Cookie lines one by one) onto the node response. */
function copyResponseHeaders(res: ServerResponse, headers: Headers | undefined): void {
  if (headers === undefined) return;
  for (const line of headers.getSetCookie()) res.appendHeader("Set-Cookie", line);
  for (const [name, value] of headers) if (name !== "set-cookie") res.setHeader(name, value);
}

export interface TrpcHandlerOptions<TRouter extends AnyTRPCRouter, TCall extends TrpcCall> {
  readonly router: TRouter;
  readonly maxBatchSize: number;
  /** Bodies above this many bytes are refused with PAYLOAD_TOO_LARGE (413). */
  readonly maxBodySize: number;
  /** Added to tRPC's Vary header. */
  readonly vary?: string;
  /** Called once per request with the calls tRPC parsed (`info.calls`); may throw to refuse them all. */
  readonly createContext: (call: TCall, info: TRPCRequestInfo) => inferRouterContext<TRouter>;
  readonly onError?: (opts: { error: TRPCError; path: string | undefined; call: TCall }) => void;
}

/** `Headers.get`/`has` over node's already parsed (lower-case) header object. */
class IncomingHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

const SOCKET_SIGNAL = Symbol("tollgate.clientSignal");
type SignalledSocket = Socket & { [SOCKET_SIGNAL]?: AbortSignal };

/**
 * Aborts when the client's connection closes: the signal tRPC hands to
 * procedures (password hashing skips work for clients that have left). One per
 * connection, shared by the requests a keep-alive connection carries in turn.
 */
function clientSignal(socket: SignalledSocket): AbortSignal {
  let signal = socket[SOCKET_SIGNAL];
  if (signal === undefined) {
    const controller = new AbortController();
    signal = controller.signal;
    socket[SOCKET_SIGNAL] = signal;
    if (socket.destroyed) controller.abort();
    else socket.once("close", () => controller.abort());
  }
  return signal;
}

/** The request body as text, at most `limit` bytes (tRPC turns a rejection into the call's error). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // The rest of the body is left to flow past unread, as tRPC's adapter does.
        done();
        reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      const text = body.toString("utf8");
      // Like Fetch's text(): a leading byte order mark is not part of the text.
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    };
    const onError = (error: Error) => {
      done();
      reject(new TRPCError({ code: "CLIENT_CLOSED_REQUEST", cause: error }));
    };
    const onClose = () => onError(new Error("The client closed the request before its body ended"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** What `resolveResponse` reads of a Fetch `Request`, over an IncomingMessage. */
class RequestView<TCall extends TrpcCall> {
  readonly url: string;
  readonly method: string;
  readonly headers: IncomingHeaders;
  readonly signal: AbortSignal;
  constructor(
    readonly call: TCall,
    private readonly maxBodySize: number,
  ) {
    const { req } = call;
    const scheme = (req.socket as TLSSocket).encrypted === true ? "https://" : "http://";
    this.url = `${scheme}${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    this.method = req.method ?? "GET";
    this.headers = new IncomingHeaders(req.headers);
    this.signal = clientSignal(req.socket);
  }
  text(): Promise<string> {
    return readBody(this.call.req, this.maxBodySize);
  }
}

const NO_BYTES = Buffer.alloc(0);

/** A JSON answer's bytes, as they are: no decoding to text and encoding back. */
async function bodyBytes(body: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  if (body === null) return NO_BYTES;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  const [only] = chunks;
  if (chunks.length === 1 && only) return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  return Buffer.concat(chunks, size);
}

/** Streamed answers (a batch asked for `trpc-accept: application/jsonl`): written as tRPC's adapter does, chunk by chunk. */
async function writeStream(res: ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resume) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resume();
          };
          res.once("drain", go);
          res.once("close", go);
        });
      }
    }
  } finally {
    res.off("close", cancel);
    res.end();
  }
}

export function createTrpcHandler<TRouter extends AnyTRPCRouter, TCall extends TrpcCall>(
  options: TrpcHandlerOptions<TRouter, TCall>,
) {
  const { router, maxBatchSize, maxBodySize, onError, vary, createContext } = options;
  const config = router._def._config;
  // tRPC hands back the request it was given: the view, which knows its call.
  const handleError: HTTPErrorHandler<TRouter, Request> | undefined = onError
    ? ({ error, path, req }) => onError({ error, path, call: (req as unknown as RequestView<TCall>).call })
    : undefined;

  /** tRPC's answer to a failure outside any call (its adapter's exception handler, on the public API). */
  function fail(call: TCall, cause: unknown): void {
    const { res } = call;
    const error =
      cause instanceof TypeError && (cause as { code?: unknown }).code === "ERR_INVALID_URL"
        ? new TRPCError({ code: "BAD_REQUEST", message: "Invalid URL", cause })
        : getTRPCErrorFromUnknown(cause);
    onError?.({ error, path: undefined, call });
    if (res.headersSent) {
      res.end();
      return;
    }
    copyResponseHeaders(res, call.responseHeaders);
    const shape = getTRPCErrorShape({
      config,
      error,
      type: "unknown",
      path: undefined,
      input: undefined,
      ctx: undefined,
    });
    const text = JSON.stringify(transformTRPCResponse(config, { error: shape }));
    res.statusCode = shape.data.httpStatus;
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Content-Length", Buffer.byteLength(text));
    res.end(text);
  }

  return async function handleTrpc(call: TCall): Promise<void> {
    const { res } = call;
    try {
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
      if (res.statusCode === 200) res.statusCode = response.status;
      copyResponseHeaders(res, call.responseHeaders);
      let streamed = false;
      let varied = false;
      for (const [name, value] of response.headers) {
        if (name === "set-cookie") {
          res.appendHeader("Set-Cookie", value);
        } else if (name === "vary") {
          varied = true;
          res.setHeader(name, vary ? `${value}, ${vary}` : value);
        } else {
          if (name === "transfer-encoding" || (name === "content-type" && value !== "application/json"))
            streamed = true;
          res.setHeader(name, value);
        }
      }
      if (vary && !varied) res.setHeader("vary", vary);
      if (streamed && response.body) return await writeStream(res, response.body);
      const body = await bodyBytes(response.body);
      res.setHeader("Content-Length", body.byteLength);
      res.end(body);
    } catch (cause) {
      fail(call, cause);
    }
  };
}
