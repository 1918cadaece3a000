import prototypes from "unhomoglyph/data.json" with { type: "json" };
import { AuthError } from "./errors.js";

/**
 * The rules for usernames: one spelling per account, and no account that
 * looks like another. A username is stored in its normalized form (NFKC,
 * trimmed), with characters that cannot be seen or that change the text's
 * layout refused; its skeleton (Unicode TR39) decides whether it is
 * confusable with an existing one, so "zоe" (Cyrillic о) or "zoe" with a
 * zero-width space cannot be registered next to "zoe".
 */

/** The longest username, in characters (code points) after normalization: the contract's 1–150. */
export const MAX_USERNAME_LENGTH = 150;

/** The rule a refused username broke. */
export type UsernameRule = "empty" | "too_long" | "invisible" | "separator" | "whitespace_run";

const MESSAGES: Record<UsernameRule, string> = {
  empty: "The username must not be empty or only spaces",
  too_long: `The username must have at most ${MAX_USERNAME_LENGTH} characters`,
  invisible:
    "The username must not contain control, format (zero-width), private-use, unassigned or surrogate characters",
  separator: "The username must not contain line breaks, tabs or whitespace other than a plain space",
  whitespace_run: "The username must not contain two spaces in a row",
};

/**
 * Cc control, Cf format (zero-width, bidi overrides, BOM), Cs lone
 * surrogates, Co private use, Cn unassigned (by this Node's Unicode
 * version): none has a glyph a reader could compare.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;
/** Any whitespace other than U+0020 (after NFKC, no-break and ideographic spaces are U+0020 already). */
const OTHER_WHITESPACE = /[^\S ]|[\p{Zl}\p{Zp}]/u;
const SPACE_RUN = / {2}/;
/**
 * Trimmed: Unicode White_Space at either end. Not String#trim, which also
 * drops U+FEFF (a format character, refused wherever it stands).
 */
const EDGE_WHITESPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** The rule a username breaks, or undefined; `normalized` is its NFKC form, trimmed. */
function brokenRule(normalized: string): UsernameRule | undefined {
  if (normalized.length === 0) return "empty";
  if (INVISIBLE.test(normalized)) return "invisible";
  if (OTHER_WHITESPACE.test(normalized)) return "separator";
  if (SPACE_RUN.test(normalized)) return "whitespace_run";
  if ([...normalized].length > MAX_USERNAME_LENGTH) return "too_long";
  return undefined;
}

/**
 * The form a typed username is looked up by: NFKC, then trimmed. Sign-in
 * uses it (never the skeleton), so "zoe " and fullwidth "ｚｏｅ" reach zoe,
 * while "zоe" (Cyrillic о) reaches only an account spelled that way.
 */
export function usernameLookupForm(raw: string): string {
  return raw.normalize("NFKC").replace(EDGE_WHITESPACE, "");
}

/**
 * The username as stored: NFKC, trimmed, 1–150 characters, without control,
 * format, private-use, unassigned or surrogate code points, line or
 * paragraph separators, whitespace other than single spaces between words.
 * Throws AuthError USERNAME_INVALID naming the rule. Idempotent.
 */
export function normalizeUsername(raw: string): string {
  const normalized = usernameLookupForm(raw);
  const rule = brokenRule(normalized);
  if (rule) throw new AuthError("USERNAME_INVALID", MESSAGES[rule]);
  return normalized;
}

/** Which rule `raw` breaks, or undefined when it is a valid username (for reports that must not throw). */
export function usernameRuleBroken(raw: string): UsernameRule | undefined {
  return brokenRule(usernameLookupForm(raw));
}

export function usernameRuleMessage(rule: UsernameRule): string {
  return MESSAGES[rule];
}

/**
 * Unicode's confusables.txt (UTS #39, "Recommended confusable mapping for
 * IDN"), shipped as data by the npm package unhomoglyph: each source code
 * point to its prototype string.
 */
const PROTOTYPES: ReadonlyMap<string, string> = new Map(Object.entries(prototypes as Record<string, string>));

/** UTS #39 skeleton(X): NFD, each code point replaced by its prototype, NFD again. */
function skeleton(text: string): string {
  let mapped = "";
  for (const codePoint of text.normalize("NFD")) mapped += PROTOTYPES.get(codePoint) ?? codePoint;
  return mapped.normalize("NFD");
}

/**
 * The key two usernames share when they look alike: the TR39 skeleton,
 * lowercased, and the skeleton of that again (a lowercase letter may itself
 * have a prototype). "zoe", "ZOE", "zое" (Cyrillic) and "z0e" share one;
 * the users table keeps it unique. Not a display form: "m" becomes "rn".
 * Changing this function or the table changes stored keys (a migration
 * must recompute them).
 */
export function usernameSkeleton(normalized: string): string {
  return skeleton(skeleton(normalized).toLowerCase());
}
