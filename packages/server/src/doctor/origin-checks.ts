import type { CheckGroup, DoctorInput, Finding } from "./finding.js";

/** In production the server's origin must be configured (mail links, Origin checks) and be https. */
function publicOrigin({ config }: DoctorInput): Finding[] {
  if (!config.production) return [];
  const origin = config.publicOrigin;
  if (origin?.startsWith("https:")) return [];
  return [
    {
      id: "TG-PUBLIC-ORIGIN",
      severity: "error",
      message:
        origin === undefined
          ? "NODE_ENV=production without PUBLIC_ORIGIN: the server's own origin would come from the Host header"
          : `NODE_ENV=production with PUBLIC_ORIGIN ${origin}: sign-ins, cookies and mailed links travel without TLS`,
      fix: "Set PUBLIC_ORIGIN=https://your.host (the address users type), with TLS in front of the server.",
      standard: "ASVS 5.0 12.2.1, 3.5.1",
    },
  ];
}

/**
 * TRUST_PROXY off behind a proxy: every client has the proxy's address, so
 * one attacker's failed sign-ins lock everyone out (and per-client limits
 * stop meaning anything). A running server knows from its requests
 * (X-Forwarded-For arriving); the CLI infers it from the configuration:
 * PUBLIC_ORIGIN https while Tollgate's own listener speaks plain http means
 * something in front terminates TLS.
 */
function trustProxy({ config, live }: DoctorInput): Finding[] {
  if (config.trustProxy) return [];
  const fix = "Set TRUST_PROXY=true, with a proxy that appends to X-Forwarded-For and sets X-Forwarded-Proto.";
  const standard = "ASVS 5.0 6.3.1; NIST SP 800-63B §5.2.2";
  const { traffic } = live;
  if (traffic && traffic.forwarded > 0) {
    return [
      {
        id: "TG-TRUST-PROXY",
        severity: "error",
        message: `TRUST_PROXY is off but ${traffic.forwarded} of the last ${traffic.requests} requests carried X-Forwarded-For: a proxy is in front, and every client is counted under its address`,
        fix,
        standard,
      },
    ];
  }
  if ((traffic === undefined || traffic.requests === 0) && config.publicOrigin?.startsWith("https:")) {
    return [
      {
        id: "TG-TRUST-PROXY",
        severity: "warning",
        message:
          "TRUST_PROXY is off while PUBLIC_ORIGIN is https and Tollgate listens on plain http: a proxy terminating TLS is likely in front, and every client would be counted under its address",
        fix: `${fix} (If clients reach Tollgate directly over TLS, this does not apply.)`,
        standard,
      },
    ];
  }
  return [];
}

export const originChecks: CheckGroup = {
  ids: ["TG-PUBLIC-ORIGIN", "TG-TRUST-PROXY"],
  run: (input) => [...publicOrigin(input), ...trustProxy(input)],
};
