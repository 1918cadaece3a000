import { isIP } from "node:net";

/**
 * A client address in one canonical form: IPv4-mapped IPv6 unmapped, a port
 * or brackets stripped, IPv6 written out in full lower case. Undefined when
 * the text is not an address.
 */
export function normalizeIp(text: string): string | undefined {
  let value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const zone = value.indexOf("%");
  if (zone !== -1) value = value.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped?.[1]) value = mapped[1];
  const family = isIP(value);
  if (family === 4) return value;
  if (family === 6) return expandIpv6(value);
  return undefined;
}

function expandIpv6(address: string): string {
  const [head = "", tail] = address.toLowerCase().split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  let groups = parse(head);
  if (tail !== undefined) {
    const rest = parse(tail);
    groups = [...groups, ...Array<string>(8 - groups.length - rest.length).fill("0"), ...rest];
  }
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups.
  const last = groups.at(-1) ?? "";
  if (last.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split(".").map(Number);
    groups = [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  }
  return groups.map((g) => g.padStart(4, "0")).join(":");
}

/**
 * The network a rate limit counts for an address: the address itself for
 * IPv4, its /64 for IPv6 (one subscriber usually holds a whole /64, so per
 * address limits would be free to sidestep).
 */
export function rateLimitNetwork(ip: string): string {
  const normalized = normalizeIp(ip) ?? ip;
  if (!normalized.includes(":")) return normalized;
  return `${normalized.split(":").slice(0, 4).join(":")}::/64`;
}
