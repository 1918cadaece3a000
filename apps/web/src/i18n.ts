/**
 * The page's language: the first of the browser's languages (navigator.languages)
 * the page has a catalogue for, else English. i18next holds the catalogues;
 * `t` is typed by the English catalogue's keys, so a misspelt key does not compile.
 * Persian is written right to left: <html lang="fa" dir="rtl">.
 */
import i18next from "i18next";
import { type Catalogue, en } from "./locales/en.js";
import { fa } from "./locales/fa.js";

const CATALOGUES = { en, fa } satisfies Record<string, Catalogue>;
export type Language = keyof typeof CATALOGUES;
const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(["fa"]);

/** "fa-IR" → "fa": the first preferred language with a catalogue. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base && base in CATALOGUES) return base as Language;
  }
  return "en";
}

type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every key of the catalogue, dotted ("signIn.username"). */
export type MessageKey = Leaves<Catalogue>;

export const language: Language = pickLanguage(
  typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]),
);

const i18n = i18next.createInstance();
// Synchronous: the catalogues are bundled, so the first render is already in the right language.
void i18n.init({
  lng: language,
  fallbackLng: "en",
  initAsync: false,
  resources: Object.fromEntries(
    Object.entries(CATALOGUES).map(([lng, catalogue]) => [lng, { translation: catalogue }]),
  ),
  // React writes text as text, never as markup: nothing to escape here.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The catalogue's text for `key` in the page's language, with `values` filled in. */
export function t(key: MessageKey, values?: Record<string, string>): string {
  return i18n.t(key, values ?? {});
}

/** True when `key` names a text of the catalogue (for keys built from a server's code). */
export function hasMessage(key: string): key is MessageKey {
  return i18n.exists(key);
}

/** Sets <html lang dir> and the title in the page's language, before anything renders. */
export function setDocumentLanguage(): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? "rtl" : "ltr";
  document.title = t("page.title");
}
