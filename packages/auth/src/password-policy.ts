import { createRequire } from "node:module";
import { AuthError } from "./errors.js";
import { MAX_PASSWORD_LENGTH } from "./password.js";

/** The shortest password the policy accepts (NIST SP 800-63B's minimum for user-chosen secrets). */
export const MIN_PASSWORD_LENGTH = 8;

/** The rule a refused password broke. */
export type PasswordRule = "too_short" | "too_long" | "common" | "same_as_username" | "same_as_email";

export interface PasswordPolicyContext {
  readonly username?: string | undefined;
  readonly email?: string | null | undefined;
}

const MESSAGES: Record<PasswordRule, string> = {
  too_short: `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `The password must have at most ${MAX_PASSWORD_LENGTH} characters`,
  common: "The password is one of the most common passwords; choose another",
  same_as_username: "The password must not be the username",
  same_as_email: "The password must not be the email address",
};

let common: ReadonlySet<string> | undefined;

/**
 * zxcvbn-ts's list of common passwords (about 49,000, lowercase, from leaked
 * password corpora), shipped inside the npm package: checked offline, loaded
 * and built into a set on first use. Its module holds every list of the
 * language pack (~15 MB of memory once loaded), and a server sets new
 * passwords seldom: it is required then (synchronously, so the policy stays a
 * plain function), not imported at start.
 */
function commonPasswords(): ReadonlySet<string> {
  if (!common) {
    const load = createRequire(import.meta.url);
    const { dictionary } = load("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
    common = new Set(dictionary["passwords-common"]);
  }
  return common;
}

/** The rule `password` breaks, or undefined when it is acceptable. Comparisons ignore case. */
export function passwordRuleBroken(password: string, context: PasswordPolicyContext = {}): PasswordRule | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return "too_short";
  if (password.length > MAX_PASSWORD_LENGTH) return "too_long";
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "common";
  if (context.username && lower === context.username.toLowerCase()) return "same_as_username";
  if (context.email && lower === context.email.toLowerCase()) return "same_as_email";
  return undefined;
}

/**
 * The password policy, the one place it is decided: applied to every new
 * password (sign-up, change, reset, the CLI), never at sign-in, so passwords
 * set before the policy still sign in. Throws AuthError PASSWORD_POLICY whose
 * message names the rule, and whose data says which (`{ passwordRule }`), so
 * a page can say it in its own language.
 */
export function checkPasswordPolicy(password: string, context: PasswordPolicyContext = {}): void {
  const rule = passwordRuleBroken(password, context);
  if (rule) throw new AuthError("PASSWORD_POLICY", MESSAGES[rule], { data: { passwordRule: rule } });
}

/** The message for a broken rule (the CLI prints it). */
export function passwordRuleMessage(rule: PasswordRule): string {
  return MESSAGES[rule];
}
