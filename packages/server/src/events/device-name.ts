import Bowser from "bowser";

/**
 * A person's words for a browser's user agent ("Chrome 156 on Linux"), for
 * security mails and the activity list; undefined when nothing is known.
 * Parsed with bowser; only the major version is kept.
 */
export function deviceName(userAgent: string | null | undefined): string | undefined {
  if (!userAgent) return undefined;
  const { browser, os } = Bowser.parse(userAgent.slice(0, 512));
  const name = browser.name ? [browser.name, browser.version?.split(".")[0]].filter(Boolean).join(" ") : undefined;
  if (name && os.name) return `${name} on ${os.name}`;
  return name ?? os.name ?? undefined;
}
