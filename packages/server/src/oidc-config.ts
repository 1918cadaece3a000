/** The environment variables, as config.ts reads them. */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Other providers to sign in with (OpenID Connect, or GitHub's OAuth 2), from
 * OIDC_PROVIDERS and each provider's OIDC_<NAME>_* variables. Pure: discovery
 * happens at start (methods/oidc/providers.ts).
 */

/** The presets: a provider's well-known issuer (or, for GitHub, its OAuth 2 endpoints). */
export const OIDC_PRESETS = ["google", "microsoft", "github"] as const;
export type OidcPreset = (typeof OIDC_PRESETS)[number];

export interface OidcProviderSettings {
  /** Lower case; in the routes (`/auth/oidc/<name>/start`) and stored with each linked identity. */
  readonly name: string;
  /** Shown on the account page's button ("Sign in with <label>"). */
  readonly label: string;
  /** "oidc": discovery from `issuer`; "github": plain OAuth 2 at GitHub's documented endpoints. */
  readonly protocol: "oidc" | "github";
  /** The issuer URL (discovery at `<issuer>/.well-known/openid-configuration`); undefined for GitHub. */
  readonly issuer: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

const NAME = /^[a-z][a-z0-9]{0,31}$/;
const LABELS: Record<OidcPreset, string> = { google: "Google", microsoft: "Microsoft", github: "GitHub" };
const DEFAULT_SCOPES: Record<"oidc" | "github", readonly string[]> = {
  oidc: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
};

function isPreset(value: string): value is OidcPreset {
  return (OIDC_PRESETS as readonly string[]).includes(value);
}

/** Parses the providers; a problem is one line naming the variable (thrown as `fail(message)`). */
export function parseOidcProviders(env: Environment, fail: (message: string) => Error): OidcProviderSettings[] {
  const names = (env.OIDC_PROVIDERS ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!NAME.test(name)) {
      throw fail(`Invalid configuration: OIDC_PROVIDERS has "${name}": a name is a letter then letters or digits`);
    }
    if (seen.has(name)) throw fail(`Invalid configuration: OIDC_PROVIDERS names ${name} twice`);
    seen.add(name);
    const prefix = `OIDC_${name.toUpperCase()}_`;
    const read = (key: string) => {
      const value = env[`${prefix}${key}`]?.trim();
      return value === "" ? undefined : value;
    };
    const required = (key: string, why: string) => {
      const value = read(key);
      if (value === undefined) throw fail(`Invalid configuration: ${prefix}${key} is required ${why}`);
      return value;
    };
    const presetName = read("PRESET")?.toLowerCase() ?? (read("ISSUER") === undefined ? name : undefined);
    if (presetName !== undefined && !isPreset(presetName)) {
      throw fail(
        read("PRESET") === undefined
          ? `Invalid configuration: ${prefix}ISSUER is required for provider ${name} (or ${prefix}PRESET=google, microsoft or github)`
          : `Invalid configuration: ${prefix}PRESET must be google, microsoft or github`,
      );
    }
    const issuer = issuerOf(presetName, read("ISSUER"), () => required("TENANT", `for the microsoft preset (${name})`));
    if (issuer !== undefined) checkIssuer(issuer, `${prefix}ISSUER`, fail);
    const protocol = presetName === "github" ? "github" : "oidc";
    const scopes =
      read("SCOPES")
        ?.split(/[\s,]+/)
        .filter(Boolean) ?? DEFAULT_SCOPES[protocol];
    if (protocol === "oidc" && !scopes.includes("openid")) {
      throw fail(`Invalid configuration: ${prefix}SCOPES must include openid`);
    }
    return {
      name,
      label: read("LABEL") ?? (presetName ? LABELS[presetName] : name.charAt(0).toUpperCase() + name.slice(1)),
      protocol,
      issuer,
      clientId: required("CLIENT_ID", `for provider ${name}`),
      clientSecret: required("CLIENT_SECRET", `for provider ${name}`),
      scopes,
    };
  });
}

function issuerOf(preset: OidcPreset | undefined, issuer: string | undefined, tenant: () => string) {
  if (issuer !== undefined) return issuer;
  if (preset === "google") return "https://accounts.google.com";
  // Microsoft's "common" issuer is a template ({tenantid}) no client can check: one directory (tenant) per provider.
  if (preset === "microsoft") return `https://login.microsoftonline.com/${encodeURIComponent(tenant())}/v2.0`;
  return undefined;
}

function checkIssuer(issuer: string, variable: string, fail: (message: string) => Error): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw fail(`Invalid configuration: ${variable} must be a URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw fail(`Invalid configuration: ${variable} must be an https:// URL (http:// only for a loopback address)`);
  }
}

/** Plain HTTP is allowed to a provider on this machine only (development and tests). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}
