import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "./services.js";

/** RFC 8414 / OpenID Connect's well-known place for the public keys of the token issuer. */
export const JWKS_PATH = "/.well-known/jwks.json";

export interface JwksAnswer {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Omitted for HEAD. */
  readonly body: string | undefined;
}

/**
 * GET /.well-known/jwks.json: the public keys that verify access tokens now
 * (current, next, and retired ones until their last token has expired), public
 * members only, cacheable for JWKS_MAX_AGE seconds. With HS256 there is no
 * public key: 404. Transport-neutral: node:http and Fetch write it out.
 */
export function jwksAnswer(services: Services, method: string): JwksAnswer {
  const ring = services.auth.signingKeys;
  const json: [string, string] = ["Content-Type", "application/json"];
  const bodyOf = (value: unknown) => (method === "HEAD" ? undefined : JSON.stringify(value));
  if (!ring) return { status: 404, headers: [json], body: bodyOf({ error: "Not found" }) };
  if (method !== "GET" && method !== "HEAD") {
    return { status: 405, headers: [json, ["Allow", "GET, HEAD"]], body: bodyOf({ error: "Method not allowed" }) };
  }
  return {
    status: 200,
    headers: [
      json,
      ["Cache-Control", `public, max-age=${services.config.jwksMaxAge}`],
      // Resource servers in browsers (rare) may read it too: it is public by definition.
      ["Access-Control-Allow-Origin", "*"],
      ["Cross-Origin-Resource-Policy", "cross-origin"],
    ],
    body: bodyOf(ring.publicJwks()),
  };
}

export function serveJwks(services: Services, req: IncomingMessage, res: ServerResponse): void {
  const answer = jwksAnswer(services, req.method ?? "GET");
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  if (answer.body !== undefined) res.setHeader("Content-Length", Buffer.byteLength(answer.body));
  res.end(answer.body);
}
