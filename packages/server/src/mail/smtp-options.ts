import { isIP } from "node:net";

/** The nodemailer options SMTP_URL becomes: the URL, and whether TLS is required. */
export interface SmtpTransportOptions {
  readonly url: string;
  /** nodemailer's requireTLS: STARTTLS or no mail (the password and the links never go in clear). */
  readonly requireTLS: boolean;
}

/**
 * The URL's own options (nodemailer reads them, and they win over ours) that
 * let mail go in clear: only these values opt out; `?ignoreTLS=false` or a bare
 * `?opportunisticTLS` opt out of nothing.
 */
const PLAIN_TEXT_OPT_OUTS: readonly (readonly [string, string])[] = [
  ["requireTLS", "false"],
  ["ignoreTLS", "true"],
  ["opportunisticTLS", "true"],
];

/** localhost, 127.0.0.0/8 or ::1: a relay on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * smtps:// is TLS from the start. smtp:// must upgrade with STARTTLS
 * (requireTLS): a server that does not offer it, or a man in the middle who
 * strips it, gets no mail rather than the SMTP password and live links in
 * clear. Exempt: a loopback host (a relay on this machine: nothing crosses a
 * network), and a URL that says so itself with nodemailer's own options
 * (`?requireTLS=false`, `?ignoreTLS=true`, `?opportunisticTLS=true`).
 */
export function smtpTransportOptions(smtpUrl: string): SmtpTransportOptions {
  const url = new URL(smtpUrl);
  const optedOut = PLAIN_TEXT_OPT_OUTS.some(([name, value]) => url.searchParams.get(name)?.toLowerCase() === value);
  const plainAllowed = url.protocol !== "smtp:" || optedOut || isLoopbackHost(url.hostname);
  return { url: smtpUrl, requireTLS: !plainAllowed };
}
