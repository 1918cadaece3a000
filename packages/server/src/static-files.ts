import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

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
const ACCOUNT_PAGE_PATHS = new Set(["/", "/reset-password", "/verify-email", "/mfa-unlock", "/setup"]);

/** Serves the built demo page from `root`; returns false when the path is not a file there. */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false; // malformed percent-encoding: not a file of ours
  }
  const relative = ACCOUNT_PAGE_PATHS.has(pathname) ? "index.html" : decoded.replace(/^\/+/, "");
  if (relative.includes("\0")) return false;
  const base = resolve(root);
  const file = normalize(join(base, relative));
  if (file !== base && !file.startsWith(base + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.statusCode = 200;
  res.setHeader("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
  res.setHeader("Content-Length", info.size);
  res.setHeader("Content-Security-Policy", PAGE_CSP);
  res.setHeader("X-Frame-Options", "DENY");
  // A link's token never leaves in a Referer header.
  res.setHeader("Referrer-Policy", "no-referrer");
  // Hashed asset names never change content; the page itself is always revalidated.
  res.setHeader("Cache-Control", relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  await new Promise<void>((done) => {
    createReadStream(file)
      .on("error", () => res.destroy())
      .on("close", done)
      .pipe(res);
  });
  return true;
}
