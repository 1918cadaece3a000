import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** Facts about the request that auth decisions use, read once. */
export interface RequestInfo {
  readonly ip: string;
  readonly userAgent: string | null;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  /** scheme://host as the client addressed this server. */
  readonly requestOrigin: string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Behind a proxy (TRUST_PROXY=true) the client is the right-most
 * X-Forwarded-For entry: the address our own proxy saw. Entries further left
 * were written by the client and prove nothing.
 */
export function readRequestInfo(req: IncomingMessage, trustProxy: boolean): RequestInfo {
  const socketIp = req.socket.remoteAddress ?? "unknown";
  const forwardedFor = trustProxy ? header(req, "x-forwarded-for") : undefined;
  const ip = forwardedFor?.split(",").at(-1)?.trim() || socketIp;
  const forwardedProto = trustProxy ? header(req, "x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  const encrypted = (req.socket as TLSSocket).encrypted === true;
  let scheme = encrypted ? "https" : "http";
  if (forwardedProto === "https" || forwardedProto === "http") scheme = forwardedProto;
  const host = header(req, "host") ?? "localhost";
  return {
    ip,
    userAgent: header(req, "user-agent") ?? null,
    origin: header(req, "origin"),
    secFetchSite: header(req, "sec-fetch-site"),
    requestOrigin: `${scheme}://${host}`,
  };
}
