import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (no browser downloads here); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine has no outside network: keep Chromium from trying.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * True when a request to `url` calls the tRPC procedure `name`: the page's
 * client batches queries made together (`/trpc/user.me,auth.sessions`), so a
 * procedure is one of the path's comma-separated names.
 */
export function callsProcedure(url: string, name: string): boolean {
  const path = new URL(url).pathname;
  return path.startsWith("/trpc/") && path.slice("/trpc/".length).split(",").includes(name);
}
