import Bowser from "bowser";

/**
 * What a browser's user agent says, in parts a page can put in its own
 * words: the browser with its major version ("Chrome 156") and the system
 * ("Linux"); null where nothing is known. Parsed with bowser.
 */
export interface DeviceParts {
  readonly browser: string | null;
  readonly os: string | null;
}

export function deviceParts(userAgent: string | null | undefined): DeviceParts {
  if (!userAgent) return { browser: null, os: null };
  const { browser, os } = Bowser.parse(userAgent.slice(0, 512));
  const name = browser.name ? [browser.name, browser.version?.split(".")[0]].filter(Boolean).join(" ") : null;
  return { browser: name, os: os.name || null };
}

/** The English words for a device's parts ("Chrome 156 on Linux"); undefined when nothing is known. */
function englishName({ browser, os }: DeviceParts): string | undefined {
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? undefined;
}

/**
 * A person's words for a browser's user agent in English ("Chrome 156 on
 * Linux"), for security mails and API readers; undefined when nothing is
 * known. Pages in other languages build theirs from deviceParts.
 */
export function deviceName(userAgent: string | null | undefined): string | undefined {
  return englishName(deviceParts(userAgent));
}

/** What a listed session or event says of its device: the English name and its parts (one parse). */
export function deviceFields(userAgent: string | null | undefined): { device: string | null } & DeviceParts {
  const parts = deviceParts(userAgent);
  return { device: englishName(parts) ?? null, ...parts };
}
