/**
 * What the pipeline knows of a request, whatever carried it: an adapter
 * (node:http, Fetch) reads these facts and the pipeline decides from them
 * alone, so every transport gets the same answer to the same request.
 */
export interface HttpRequest extends RequestSource {
  readonly method: string;
  /** The request target as sent: path and query (`/trpc/user.me?input=…`). */
  readonly target: string;
  /** Aborted once the client has gone (procedures skip work for it). */
  readonly signal: AbortSignal;
  /**
   * The body as text, at most `limit` bytes; a leading byte order mark is
   * not part of it (as with Fetch's `text()`). Rejects with
   * BodyTooLargeError beyond the limit, BodyAbortedError when the client
   * leaves before its body ends.
   */
  readBody(limit: number): Promise<string>;
}

/** The part of a request that auth decisions read (request-info.ts): headers, the peer, TLS. */
export interface RequestSource {
  /** A header's value (the first, if it came more than once); `name` is lower-case. */
  header(name: string): string | undefined;
  /**
   * The client's address as the transport knows it: the socket's peer on
   * node:http, what the host passed on Fetch (which has no socket).
   * X-Forwarded-For is read apart, and only with TRUST_PROXY.
   */
  readonly clientAddress: string | undefined;
  /** Whether the connection itself is TLS. */
  readonly encrypted: boolean;
}

/** The body is over the limit (declared by Content-Length, or found while reading). */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`The request body is over ${limit} bytes`);
  }
}

/** The client closed the request before its body ended. */
export class BodyAbortedError extends Error {
  override readonly name = "BodyAbortedError";
  constructor(options?: { cause?: unknown }) {
    super("The client closed the request before its body ended", options);
  }
}

/**
 * Something in front of Tollgate (a host app's body parser) read the body
 * and left nothing Tollgate can use: answered at once rather than waiting for
 * a stream that has already ended.
 */
export class BodyAlreadyReadError extends Error {
  override readonly name = "BodyAlreadyReadError";
  constructor() {
    super(
      "The request body was already read by a middleware in front of Tollgate (express.json(), body-parser, …) " +
        "and left in no form Tollgate can use: mount Tollgate before any body parser",
    );
  }
}
