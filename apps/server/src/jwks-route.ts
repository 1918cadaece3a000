import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "./services.js";

/** RFC 8414 / OpenID Connect's well-known place for the public keys of the token issuer. */
export const JWKS_PATH = "/.well-known/jwks.json";

/**
 * GET /.well-known/jwks.json: the public keys that verify access tokens now
 * (current, next, and retired ones until their last token has expired), public
 * members only, cacheable for JWKS_MAX_AGE seconds. With HS256 there is no
 * public key: 404.
 */
export function serveJwks(services: Services, req: IncomingMessage, res: ServerResponse): void {
  const ring = services.auth.signingKeys;
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Content-Length", Buffer.byteLength(text));
    res.end(req.method === "HEAD" ? undefined : text);
  };
  if (!ring) {
    send(404, { error: "Not found" });
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    send(405, { error: "Method not allowed" });
    return;
  }
  res.setHeader("Cache-Control", `public, max-age=${services.config.jwksMaxAge}`);
  // Resource servers in browsers (rare) may read it too: it is public by definition.
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  send(200, ring.publicJwks());
}
