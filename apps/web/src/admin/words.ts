/** The one-line descriptions of a user, in the page's language (dates and lists with Intl). */
import type { TollgateUI } from "@tollgate/react-ui";
import { type MessageKey, t } from "../i18n.js";
import type { Account, UserSummary } from "./types.js";

type Translator = TollgateUI["i18n"];

/** The second factors as auth.login names them; a newer server's factor shows by its name. */
const FACTOR_WORDS: Readonly<Record<string, MessageKey>> = {
  totp: "admin.factor.totp",
  recovery_code: "admin.factor.recovery_code",
  passkey: "admin.factor.passkey",
};

/** A search result's line: "bob@example.org · active · administrator". */
export function summaryLine(user: UserSummary): string {
  const parts = [user.email ?? t("admin.noAddress"), t(user.isActive ? "admin.active" : "admin.disabled")];
  if (user.isAdmin) parts.push(t("admin.administrator"));
  return parts.join(" · ");
}

/** The open user's line: the address and whether it is confirmed, status, role, when the account was made. */
export function accountLine(user: Account, i18n: Translator): string {
  const address = user.email
    ? t(user.emailVerified ? "admin.confirmed" : "admin.unconfirmed", { email: user.email })
    : t("admin.noAddress");
  const parts = [address, t(user.isActive ? "admin.active" : "admin.disabled")];
  if (user.isAdmin) parts.push(t("admin.administrator"));
  parts.push(t("admin.created", { date: i18n.dateTime(user.createdAt) }));
  return parts.join(" · ");
}

/** "Second factors: authenticator app and recovery codes", or "Second factors: none". */
export function factorsLine(names: readonly string[], i18n: Translator): string {
  if (names.length === 0) return t("admin.noFactors");
  const words = names.map((name) => {
    const key = FACTOR_WORDS[name];
    return key ? t(key) : name;
  });
  const list = new Intl.ListFormat(i18n.locale, { style: "long", type: "conjunction" }).format(words);
  return t("admin.factors", { list });
}
