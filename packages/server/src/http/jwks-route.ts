import type { Services } from "../services.js";
import { type HttpAnswer, jsonAnswer } from "./answer.js";

/** RFC 8414 / OpenID Connect's well-known place for the public keys of the token issuer. */
export const JWKS_PATH = "/.well-known/jwks.json";

/**
 * GET /.well-known/jwks.json: the public keys that verify access tokens now
 * (current, next, and retired ones until their last token has expired), public
 * members only, cacheable for JWKS_MAX_AGE seconds. With HS256 there is no
 * public key: 404. Its refusals keep the plain `{ error: "…" }` that resource
 * servers' JWKS clients have always read here. No body for HEAD.
 */
export function jwksAnswer(services: Services, method: string, headers: Headers): HttpAnswer {
  const ring = services.auth.signingKeys;
  const answer = (status: number, value: unknown): HttpAnswer => {
    const json = jsonAnswer(status, value, headers);
    return method === "HEAD" ? { ...json, body: null } : json;
  };
  if (!ring) return answer(404, { error: "Not found" });
  if (method !== "GET" && method !== "HEAD") {
    headers.set("Allow", "GET, HEAD");
    return answer(405, { error: "Method not allowed" });
  }
  headers.set("Cache-Control", `public, max-age=${services.config.jwksMaxAge}`);
  // Resource servers in browsers (rare) may read it too: it is public by definition.
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return answer(200, ring.publicJwks());
}
