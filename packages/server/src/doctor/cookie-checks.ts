import { getDomain } from "tldts";
import type { CheckGroup, DoctorConfig, Finding } from "./finding.js";

/**
 * The site of an origin as browsers judge SameSite (RFC 6265bis "same-site",
 * schemeful): its scheme and registrable domain, from the Public Suffix List
 * (tldts), so `a.example.co.uk` and `b.example.co.uk` are one site and
 * `a.github.io` and `b.github.io` are two. Hosts without one (an IP address,
 * localhost) are their own site.
 */
export function siteOf(origin: string): string {
  const url = new URL(origin);
  const domain = getDomain(url.hostname, { allowPrivateDomains: true }) ?? url.hostname;
  return `${url.protocol}//${domain}`;
}

function secureCookies(config: DoctorConfig): Finding[] {
  if (config.cookieSecure || !config.publicOrigin?.startsWith("https:")) return [];
  return [
    {
      id: "TG-COOKIE-SECURE",
      severity: "error",
      message: `PUBLIC_ORIGIN is ${config.publicOrigin} but COOKIE_SECURE is off: session cookies go out without Secure (and without the __Host-/__Secure- prefixes), so any plain-http request to the host carries them in clear`,
      fix: "Set COOKIE_SECURE=true.",
      standard: "ASVS 5.0 3.3.1; RFC 6265bis §4.1.2.5, §4.1.3",
    },
  ];
}

/**
 * SameSite=None is only needed when a page on another site calls with the
 * cookies (CORS_ORIGINS). Without one it only gives cross-site requests the
 * session cookies: CSRF rests on the token and Origin checks alone.
 */
function sameSiteNone(config: DoctorConfig): Finding[] {
  if (config.cookieSameSite !== "none") return [];
  const { publicOrigin, corsOrigins } = config;
  // Without PUBLIC_ORIGIN the server's own site is unknown: only "no CORS origin at all" is sure.
  if (publicOrigin === undefined && corsOrigins.length > 0) return [];
  const ownSite = publicOrigin === undefined ? undefined : siteOf(publicOrigin);
  const crossSite = corsOrigins.filter((origin) => siteOf(origin) !== ownSite);
  if (crossSite.length > 0) return [];
  return [
    {
      id: "TG-COOKIE-SAMESITE-NONE",
      severity: "warning",
      message:
        corsOrigins.length === 0
          ? "COOKIE_SAMESITE=none but CORS_ORIGINS is empty: no page on another site needs the cookies, yet every cross-site request carries them"
          : `COOKIE_SAMESITE=none but every CORS_ORIGINS entry is on ${ownSite}, the site of PUBLIC_ORIGIN: lax is enough`,
      fix: "Set COOKIE_SAMESITE=lax (or strict); keep none only for a front end on another site, listed in CORS_ORIGINS.",
      standard: "ASVS 5.0 3.3.2; RFC 6265bis §8.8",
    },
  ];
}

export const cookieChecks: CheckGroup = {
  ids: ["TG-COOKIE-SECURE", "TG-COOKIE-SAMESITE-NONE"],
  run: ({ config }) => [...secureCookies(config), ...sameSiteNone(config)],
};
