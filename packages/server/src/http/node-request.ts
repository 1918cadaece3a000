import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { BodyAbortedError, BodyAlreadyReadError, BodyTooLargeError, type HttpRequest } from "./request.js";

const SOCKET_SIGNAL = Symbol("tollgate.clientSignal");
type SignalledSocket = Socket & { [SOCKET_SIGNAL]?: AbortSignal };

/**
 * Aborts when the client's connection closes: the signal tRPC hands to
 * procedures (password hashing skips work for clients that have left). One per
 * connection, shared by the requests a keep-alive connection carries in turn,
 * rather than an AbortController and close listeners per request.
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

/** A request a host app's body parser has already read: Express's `req.body`. */
type ParsedRequest = IncomingMessage & { body?: unknown };

/**
 * The body a framework's parser left on the request (express.json() in front
 * of Tollgate), as text. JSON bodies only reach this point (a POST that is not
 * application/json is refused first), so an object or array is what the
 * parser made of JSON and goes back to JSON; a string or bytes are the body
 * itself (express.text(), express.raw()).
 */
function alreadyReadBody(req: ParsedRequest, limit: number): string {
  const { body } = req;
  let text: string;
  if (typeof body === "string") text = body;
  else if (body instanceof Uint8Array)
    text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  else if (typeof body === "object" && body !== null) text = JSON.stringify(body);
  else throw new BodyAlreadyReadError();
  if (Buffer.byteLength(text) > limit) throw new BodyTooLargeError(limit);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** How much of an oversized body is read and dropped before the 413, so the client is not cut off mid-upload. */
const DISCARD_FACTOR = 4;

/**
 * BodyTooLargeError, once the client has finished sending (up to
 * DISCARD_FACTOR × `limit`, read and dropped): a 413 sent while the client
 * still uploads is followed by the socket's close, and a client still writing
 * then sees a reset instead of the answer. A body larger still is refused at
 * once. `seen`: bytes counted already.
 */
function refuseAfterUpload(req: IncomingMessage, limit: number, seen: number): Promise<never> {
  const refusal = new BodyTooLargeError(limit);
  if (seen > DISCARD_FACTOR * limit || req.readableEnded) return Promise.reject(refusal);
  return new Promise((_resolve, reject) => {
    let size = req.headers["content-length"] === undefined ? seen : 0;
    const finish = () => {
      req.off("data", onData);
      req.off("end", finish);
      req.off("error", finish);
      req.off("close", finish);
      reject(refusal);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_FACTOR * limit) finish();
    };
    req.on("data", onData);
    req.on("end", finish);
    req.on("error", finish);
    req.on("close", finish);
  });
}

/** The body as text, at most `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  // Read already: waiting for its end would wait for ever.
  if (req.readableEnded) {
    try {
      return Promise.resolve(alreadyReadBody(req, limit));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return refuseAfterUpload(req, limit, declared);
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
        done();
        refuseAfterUpload(req, limit, size).catch(reject);
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
      reject(new BodyAbortedError({ cause: error }));
    };
    const onClose = () => {
      done();
      reject(new BodyAbortedError());
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** A node:http request as the pipeline's facts: views over what node already parsed, nothing copied. */
class NodeRequest implements HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly clientAddress: string | undefined;
  readonly encrypted: boolean;
  constructor(private readonly req: IncomingMessage) {
    this.method = req.method ?? "GET";
    this.target = req.url ?? "/";
    // Read now, while the socket is open: a closed socket no longer knows its peer.
    this.clientAddress = req.socket.remoteAddress;
    this.encrypted = (req.socket as TLSSocket).encrypted === true;
  }
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  get signal(): AbortSignal {
    return clientSignal(this.req.socket);
  }
  readBody(limit: number): Promise<string> {
    return readBody(this.req, limit);
  }
}

export function readNodeRequest(req: IncomingMessage): HttpRequest {
  return new NodeRequest(req);
}
