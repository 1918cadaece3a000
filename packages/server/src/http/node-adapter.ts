import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpAnswer } from "./answer.js";
import { readNodeRequest } from "./node-request.js";
import type { Pipeline } from "./pipeline.js";
import { handlesTarget } from "./targets.js";

/**
 * A node:http listener. With `next` (Express, Connect: mount it at the root,
 * before any body parser) requests for other paths go on untouched to the
 * app's routes; Fastify hands Tollgate's paths over from an onRequest hook
 * (`tollgate.handles`).
 */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/** A streamed answer, chunk by chunk, waiting for the socket to drain; cancelled if the client leaves. */
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

/** Writes the answer: a whole body at once with Content-Length (one write of head and body). */
export async function writeNodeAnswer(res: ServerResponse, answer: HttpAnswer): Promise<void> {
  res.statusCode = answer.status;
  for (const line of answer.headers.getSetCookie()) res.appendHeader("Set-Cookie", line);
  for (const [name, value] of answer.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const { body } = answer;
  if (body === null) {
    res.end();
  } else if (typeof body === "string") {
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
  } else if (body instanceof Uint8Array) {
    res.setHeader("Content-Length", body.byteLength);
    res.end(body);
  } else {
    await writeStream(res, body);
  }
}

/** `handles`: which targets are Tollgate's as middleware (default: /trpc, /healthz, the JWKS); others go to `next`. */
export function createNodeHandler(
  pipeline: Pipeline,
  handles: (target: string | undefined) => boolean = handlesTarget,
): NodeHandler {
  return async (req, res, next) => {
    if (next !== undefined && !handles(req.url)) return next();
    const answer = await pipeline(readNodeRequest(req));
    try {
      await writeNodeAnswer(res, answer);
    } catch {
      // A streamed body failed mid-answer (the pipeline answers its own failures): nothing more can be sent.
      res.destroy();
    }
  };
}
