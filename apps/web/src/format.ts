/** Dates and numbers in the page's language, with Intl (Persian digits and calendar in Persian). */
import { language } from "./i18n.js";

const dateTime = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
const number = new Intl.NumberFormat(language);
const list = new Intl.ListFormat(language, { style: "long", type: "conjunction" });

/** Epoch milliseconds as a date and time ("5 Dec 2026, 12:03"; "۱۴ آذر ۱۴۰۵، ۱۲:۰۳"). */
export function formatDate(epochMs: number): string {
  return dateTime.format(new Date(epochMs));
}

export function formatNumber(value: number): string {
  return number.format(value);
}

/** Words as a list in the page's language ("a, b and c"; "a، b و c"). */
export function formatList(words: readonly string[]): string {
  return list.format(words);
}
