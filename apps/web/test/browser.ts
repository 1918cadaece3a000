// The Chromium launcher of the components' own browser tests, shared rather than copied.
export { CHROMIUM, launchChromium } from "../../../packages/react-ui/test/browser.js";

/**
 * True when a request to `url` calls the tRPC procedure `name`: the page's
 * client batches queries made together (`/trpc/user.me,auth.sessions`), so a
 * procedure is one of the path's comma-separated names.
 */
export function callsProcedure(url: string, name: string): boolean {
  const path = new URL(url).pathname;
  return path.startsWith("/trpc/") && path.slice("/trpc/".length).split(",").includes(name);
}
