import type { MessageKey } from "../i18n/catalogue.js";

/** What the server says of a session's or an event's device (auth.sessions, auth.activity, admin.users.get). */
export interface DeviceFields {
  /** Its English name ("Firefox 140 on Linux"): what a server without the parts sends. */
  readonly device: string | null;
  readonly browser?: string | null;
  readonly os?: string | null;
}

type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

/**
 * A device in the page's language: the browser and system the server named
 * (proper names, "Firefox 140", "Linux"), joined in the language's words;
 * undefined when the server knows nothing of it.
 */
export function deviceLabel(t: Translate, item: DeviceFields): string | undefined {
  const { browser, os } = item;
  if (browser && os) return t("sessions.deviceOn", { browser, os });
  return browser ?? os ?? item.device ?? undefined;
}
