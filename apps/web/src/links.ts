/**
 * What brought the visitor to the page: a mailed (or printed) link's token,
 * or what a provider's redirect back says (`?error=`, `?mfa=`, `?linked=`).
 * Taken out of the address bar before anything renders, so a token stays out
 * of the history and of any Referer.
 */
export type PageLink =
  | { readonly kind: "reset" | "verify" | "setup" | "mfa-unlock" | "sign-in-link"; readonly token: string }
  | { readonly kind: "provider-error"; readonly code: string }
  | { readonly kind: "provider-mfa"; readonly methods: readonly string[] }
  | { readonly kind: "provider-linked"; readonly provider: string };

/** The server serves the page at each of these paths (static-files.ts, ACCOUNT_PAGE_PATHS). */
const TOKEN_PATHS = {
  "/reset-password": "reset",
  "/verify-email": "verify",
  "/mfa-unlock": "mfa-unlock",
  "/sign-in-link": "sign-in-link",
  "/setup": "setup",
} as const;

function isTokenPath(path: string): path is keyof typeof TOKEN_PATHS {
  return Object.hasOwn(TOKEN_PATHS, path);
}

export function takePageLink(
  location: Location = window.location,
  history: History = window.history,
): PageLink | undefined {
  const params = new URLSearchParams(location.search);
  const path = location.pathname;
  const link = readLink(path, params);
  if (link !== undefined || isTokenPath(path)) history.replaceState(null, "", "/");
  return link;
}

function readLink(path: string, params: URLSearchParams): PageLink | undefined {
  if (isTokenPath(path)) {
    const token = params.get("token");
    return token ? { kind: TOKEN_PATHS[path], token } : undefined;
  }
  if (path !== "/") return undefined;
  const error = params.get("error");
  if (error !== null) return { kind: "provider-error", code: error };
  const mfa = params.get("mfa");
  if (mfa !== null) return { kind: "provider-mfa", methods: mfa.split(",").filter(Boolean) };
  const linked = params.get("linked");
  if (linked !== null) return { kind: "provider-linked", provider: linked };
  return undefined;
}
