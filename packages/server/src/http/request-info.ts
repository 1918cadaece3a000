import { normalizeIp } from "../rate-limit/client-network.js";
import type { RequestSource } from "./request.js";

/** Facts about the request that auth decisions use, read once. */
export interface RequestInfo {
  /** The client's address, normalized (see normalizeIp). */
  readonly ip: string;
  readonly userAgent: string | null;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  /**
   * scheme://host as the client addressed this server, when that Host may be
   * trusted to name this server (loopback or the configured HOST); otherwise
   * undefined, and only PUBLIC_ORIGIN or CORS_ORIGINS can match an Origin.
   */
  readonly requestOrigin: string | undefined;
}

export interface RequestInfoOptions {
  readonly trustProxy: boolean;
  /** The configured HOST: requests addressed to it name this server. */
  readonly host: string;
}

/**
 * Why a request cannot be served when nothing says who the client is:
 * without an address (the socket's peer on node:http; on Fetch, which has no
 * socket, the host's `clientAddress`) or, behind a trusted proxy, the
 * request's X-Forwarded-For, every client would share one per-client sign-in
 * limit and anyone's wrong guesses would lock the owner out. Undefined when
 * an address is usable. (node:http over TCP always has one; a Unix socket
 * has none, so behind a proxy there TRUST_PROXY is needed.)
 */
export function clientAddressProblem(
  clientAddress: string | undefined,
  trustProxy: boolean,
  forwardedFor: string | undefined,
): string | undefined {
  if (normalizeIp(clientAddress ?? "") !== undefined) return undefined;
  if (trustProxy && normalizeIp(lastEntry(forwardedFor) ?? "") !== undefined) return undefined;
  if (trustProxy) {
    return "Tollgate needs the client's address: the request has no X-Forwarded-For address (TRUST_PROXY=true) and no clientAddress was passed";
  }
  return clientAddress === undefined
    ? "Tollgate needs the client's address: pass clientAddress (the peer's IP) to fetchHandler's handler or createContext, or set TRUST_PROXY=true behind a proxy that sets X-Forwarded-For"
    : `Tollgate needs the client's address: clientAddress ${JSON.stringify(clientAddress.slice(0, 64))} is not an IP address`;
}

/** The right-most entry of a comma list: the one our own proxy wrote. */
function lastEntry(value: string | undefined): string | undefined {
  return value?.split(",").at(-1)?.trim() || undefined;
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  const ip = normalizeIp(hostname);
  return ip !== undefined && (ip.startsWith("127.") || ip === "0000:0000:0000:0000:0000:0000:0000:0001");
}

/**
 * Without PUBLIC_ORIGIN the server's own origin comes from the Host header.
 * A DNS-rebinding page can make Host and Origin agree on any name, so only
 * names that cannot be rebound to an attacker's page are trusted: loopback,
 * and the HOST this server was told to listen on (when it is a name or a
 * specific address, not a wildcard).
 */
function trustedHost(hostname: string, configuredHost: string): boolean {
  if (isLoopback(hostname)) return true;
  const wildcard = configuredHost === "0.0.0.0" || configuredHost === "::" || configuredHost === "";
  return !wildcard && hostname.toLowerCase() === configuredHost.toLowerCase().replace(/^\[|\]$/g, "");
}

/**
 * A Host header that is only host[:port]: a DNS name or IPv4 address, or an
 * IPv6 literal in brackets, and an optional port. Anything else (userinfo
 * such as `localhost\@evil.example`, a path, spaces) is refused: RFC 3986
 * parsers read such a value differently from ours, and it must never reach
 * a link.
 */
const HOST_HEADER = /^(?:[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Whether a Host header value is a plain host[:port] (an absent header is for the caller to judge). */
export function isValidHostHeader(host: string): boolean {
  return host.length <= 262 && HOST_HEADER.test(host);
}

/** scheme://host the client addressed, when its Host may be trusted to name this server. */
function ownOrigin(req: RequestSource, options: RequestInfoOptions): string | undefined {
  const host = req.header("host");
  if (host === undefined || !isValidHostHeader(host)) return undefined;
  const hostname = hostnameOf(host);
  if (hostname === undefined || !trustedHost(hostname, options.host)) return undefined;
  const forwardedProto = options.trustProxy ? lastEntry(req.header("x-forwarded-proto"))?.toLowerCase() : undefined;
  let scheme = req.encrypted ? "https" : "http";
  if (forwardedProto === "https" || forwardedProto === "http") scheme = forwardedProto;
  // The parsed origin, never the header's text: what every URL parser agrees on.
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * Behind a proxy (TRUST_PROXY=true) the client is the right-most
 * X-Forwarded-For entry, and the scheme the right-most X-Forwarded-Proto
 * entry: what our own proxy saw. Entries further left were written by the
 * client and prove nothing. An entry that is not an address is ignored.
 *
 * Each fact is worked out on first use: most calls (a signed-in query) read
 * none of them, and the ones that do (sign-in, sessions, mutations' Origin
 * check) read each at most once.
 */
class SourceRequestInfo implements RequestInfo {
  #ip: string | undefined;
  #requestOrigin: string | undefined | null = null;
  constructor(
    private readonly req: RequestSource,
    private readonly options: RequestInfoOptions,
  ) {}
  get ip(): string {
    if (this.#ip === undefined) {
      const socketIp = normalizeIp(this.req.clientAddress ?? "") ?? "unknown";
      const forwardedIp = this.options.trustProxy ? lastEntry(this.req.header("x-forwarded-for")) : undefined;
      this.#ip = (forwardedIp && normalizeIp(forwardedIp)) || socketIp;
    }
    return this.#ip;
  }
  get userAgent(): string | null {
    return this.req.header("user-agent") ?? null;
  }
  get origin(): string | undefined {
    return this.req.header("origin");
  }
  get secFetchSite(): string | undefined {
    return this.req.header("sec-fetch-site");
  }
  get requestOrigin(): string | undefined {
    if (this.#requestOrigin === null) this.#requestOrigin = ownOrigin(this.req, this.options);
    return this.#requestOrigin;
  }
}

export function readRequestInfo(req: RequestSource, options: RequestInfoOptions): RequestInfo {
  return new SourceRequestInfo(req, options);
}
