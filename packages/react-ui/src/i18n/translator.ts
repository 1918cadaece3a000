import { createInstance } from "i18next";
import type { Language, MessageKey } from "./catalogue.js";
import { en } from "./en.js";
import { fa } from "./fa.js";

export type TranslateValues = Readonly<Record<string, string | number>>;

/** What the components read: the translate function, the language, its direction and Intl formatters. */
export interface Translator {
  readonly locale: string;
  readonly dir: "ltr" | "rtl";
  t(key: MessageKey, values?: TranslateValues): string;
  /** A date and time in the locale's calendar and digits (Intl.DateTimeFormat). */
  dateTime(epochMs: number): string;
  /** A number in the locale's digits (Intl.NumberFormat). */
  number(value: number): string;
}

/**
 * One i18next instance per provider (never the global one: a host app may use
 * i18next itself), initialised synchronously from the bundled catalogues,
 * plus the host's `{ locale, catalogue }`. Anything missing falls back to English.
 */
export function createTranslator(locale: string, extra?: Language): Translator {
  const resources: Record<string, { translation: object }> = {
    en: { translation: en },
    fa: { translation: fa },
  };
  if (extra) resources[extra.locale] = { translation: extra.catalogue };
  const i18n = createInstance();
  void i18n.init({
    lng: locale,
    fallbackLng: "en",
    resources,
    initAsync: false,
    // React escapes what it renders; i18next escaping on top would show `&amp;`.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const language = i18n.resolvedLanguage ?? "en";
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const numbers = new Intl.NumberFormat(locale);
  return {
    locale,
    dir: i18n.dir(language === "en" ? locale : language),
    t: (key, values) => i18n.t(key, values ?? {}) as string,
    dateTime: (epochMs) => dates.format(new Date(epochMs)),
    number: (value) => numbers.format(value),
  };
}
