import type { HttpAnswer } from "./answer.js";
import type { Pipeline } from "./pipeline.js";
import { BodyAbortedError, BodyAlreadyReadError, BodyTooLargeError, type HttpRequest } from "./request.js";

/**
 * Tollgate on the Fetch API (Request → Response): Hono, Next.js route
 * handlers, Bun, Deno, Cloudflare-style runtimes. The same pipeline as
 * node:http; this only reads a `Request` into its facts and makes a
 * `Response` of the answer.
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

/** The body as text, at most `limit` bytes; the stream is cancelled once it goes past. A failed read is the client leaving. */
async function readBody(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get("content-length")) > limit) throw new BodyTooLargeError(limit);
  if (request.body === null) return "";
  // A framework in front read it (Hono's c.req.json() on the raw Request): getReader() would throw.
  if (request.bodyUsed) throw new BodyAlreadyReadError();
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read().catch((cause: unknown) => {
      throw new BodyAbortedError({ cause });
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    text += decoder.decode(value, { stream: true });
  }
  // TextDecoder drops a leading byte order mark, as Fetch's text() does.
  return text + decoder.decode();
}

/**
 * A Fetch `Request` as the pipeline's facts. A `Request` made in code often
 * has no Host header: the URL's host stands in for it.
 */
export function readFetchRequest(request: Request, clientAddress: string | undefined): HttpRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    target: url.pathname + url.search,
    header(name) {
      const value = request.headers.get(name);
      if (value === null) return name === "host" ? url.host : undefined;
      return value;
    },
    clientAddress,
    encrypted: url.protocol === "https:",
    signal: request.signal,
    readBody: (limit) => readBody(request, limit),
  };
}

type ResponseBody = ConstructorParameters<typeof Response>[0];

function toResponse({ status, headers, body }: HttpAnswer): Response {
  return new Response(body as ResponseBody, { status, headers });
}

export function createFetchHandler(pipeline: Pipeline): FetchHandler {
  return async (request, options) => toResponse(await pipeline(readFetchRequest(request, options?.clientAddress)));
}
