import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { HttpAnswer } from "./answer.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
};

// The page runs only our own script; nothing may frame it.
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths of mailed links, answered with the account page itself. */
const ACCOUNT_PAGE_PATHS = new Set(["/", "/reset-password", "/verify-email", "/mfa-unlock", "/sign-in-link", "/setup"]);

/**
 * The built account page from `root` (webRoot); undefined when the path is
 * not a file there. Files are read whole: the page is a few small files
 * (HTML, one script, one style sheet), so no stream is held per request.
 */
export async function staticAnswer(
  root: string,
  method: string,
  pathname: string,
  headers: Headers,
): Promise<HttpAnswer | undefined> {
  if (method !== "GET" && method !== "HEAD") return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined; // malformed percent-encoding: not a file of ours
  }
  const relative = ACCOUNT_PAGE_PATHS.has(pathname) ? "index.html" : decoded.replace(/^\/+/, "");
  if (relative.includes("\0")) return undefined;
  const base = resolve(root);
  const file = normalize(join(base, relative));
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  headers.set("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
  headers.set("Content-Security-Policy", PAGE_CSP);
  headers.set("X-Frame-Options", "DENY");
  // A link's token never leaves in a Referer header.
  headers.set("Referrer-Policy", "no-referrer");
  // Hashed asset names never change content; the page itself is always revalidated.
  headers.set("Cache-Control", relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  if (method === "HEAD") {
    headers.set("Content-Length", String(info.size));
    return { status: 200, headers, body: null };
  }
  return { status: 200, headers, body: await readFile(file) };
}
