import type { IncomingMessage, ServerResponse } from "node:http";

const ALLOWED_HEADERS = "content-type, x-csrf-token, authorization, trpc-accept";

/**
 * CORS with credentials for the listed origins only. Returns true when the
 * request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  const listed = origin !== undefined && allowed.includes(origin);
  if (listed) {
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
  }
  if (req.method !== "OPTIONS") return false;
  res.setHeader("Vary", "Origin");
  if (listed) {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST");
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", "600");
  }
  // Unlisted origins get no CORS headers: the browser refuses the real request.
  res.statusCode = listed ? 204 : 403;
  res.end();
  return true;
}
