import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AuthError, JwksUnavailableError, parseCookieHeader, type ResourceServerVerifier } from "@tollgate/auth";

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** The token of `Authorization: Bearer <token>` (RFC 6750), or undefined. */
function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? "");
  return match?.[1];
}

/**
 * The access cookie a browser sends to a sibling service on the same site:
 * Tollgate's `access_token` (`__Secure-access_token` with COOKIE_SECURE) set
 * with COOKIE_DOMAIN, the parent domain both services share. (`__Host-`
 * cookies are host-only: they never reach another host.)
 */
function accessCookie(req: IncomingMessage): string | undefined {
  const cookies = parseCookieHeader(req.headers.cookie);
  return (cookies.get("__Secure-access_token") ?? cookies.get("access_token"))?.[0];
}

/**
 * A service of its own that trusts Tollgate's access tokens: `GET /api/hello`
 * answers the signed-in user's id and how they signed in (acr, amr, auth_time). It never talks to Tollgate per request; it
 * fetches Tollgate's public keys (cached) and verifies signatures locally.
 */
export function createResourceServer(verifier: ResourceServerVerifier): Server {
  return createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/api/hello") return send(res, 404, { error: "Not found" });
    if (req.method !== "GET") return send(res, 405, { error: "Method not allowed" }, { Allow: "GET" });
    try {
      // The cookie only on this safe GET: a route that changes anything would
      // need Tollgate's CSRF check for cookie callers, as Tollgate's own writes do.
      const claims = await verifier.verify(bearerToken(req) ?? accessCookie(req));
      // How and when the user proved who they are: a service can ask for a level or a recent sign-in itself
      // (tokens from before step-up have none of these: no level, the oldest proof).
      send(res, 200, {
        hello: claims.sub,
        acr: claims.acr ?? null,
        amr: claims.amr ?? [],
        authTime: claims.auth_time ?? null,
      });
    } catch (error) {
      if (error instanceof AuthError) {
        // RFC 6750 §3: no credentials get a bare challenge; bad ones say invalid_token.
        const challenge = error.code === "TOKEN_MISSING" ? "Bearer" : `Bearer error="invalid_token"`;
        return send(res, 401, { error: error.code }, { "WWW-Authenticate": challenge });
      }
      if (error instanceof JwksUnavailableError)
        return send(res, 503, { error: "KEYS_UNAVAILABLE" }, { "Retry-After": "5" });
      send(res, 500, { error: "Internal server error" });
    }
  });
}
