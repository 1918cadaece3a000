import type { EnglishCatalogue } from "./en.js";

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
type DeepPartial<T> = { [K in keyof T]?: T[K] extends string ? string : DeepPartial<T[K]> };

/** A whole language: every key English has (fa.ts is one). */
export type Catalogue = Strings<EnglishCatalogue>;

/** What a host app passes for a language of its own: any keys it leaves out fall back to English. */
export type PartialCatalogue = DeepPartial<EnglishCatalogue>;

/** The dotted keys of the catalogue: `t("signIn.submit")`. */
export type MessageKey = {
  [K in keyof EnglishCatalogue & string]: `${K}.${KeysOf<EnglishCatalogue[K]>}`;
}[keyof EnglishCatalogue & string];

type KeysOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${KeysOf<T[K]>}`;
}[keyof T & string];

/** A language the components can show: its BCP 47 tag and its strings. */
export interface Language {
  readonly locale: string;
  readonly catalogue: PartialCatalogue;
}
