/**
 * What the page says for a failed call: the server's reason code decides and
 * the catalogue words it, so the text is in the page's language. The server's
 * own English message is never shown (it may name internals, and it is English).
 */
import { authCodeOf } from "@tollgate/client-sdk";
import { hasMessage, type MessageKey, t } from "./i18n.js";

/** The password rule a PASSWORD_POLICY message names (the server says which in words only). */
function policyRule(message: string): MessageKey {
  if (/at least/.test(message)) return "errors.policy.too_short";
  if (/at most/.test(message)) return "errors.policy.too_long";
  if (/common/.test(message)) return "errors.policy.common";
  if (/username/.test(message)) return "errors.policy.same_as_username";
  if (/email/.test(message)) return "errors.policy.same_as_email";
  return "errors.policy.other";
}

/** No answer, or the server failed (5xx): the request may be worth sending again. */
function unreachable(error: unknown): boolean {
  const data =
    typeof error === "object" && error !== null ? (error as { data?: { httpStatus?: unknown } }).data : undefined;
  const status = data?.httpStatus;
  return typeof status !== "number" || status >= 500;
}

export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const code = authCodeOf(error);
  switch (code) {
    case "RATE_LIMITED": {
      const seconds = /(\d+) s$/.exec(message)?.[1];
      return seconds ? t("errors.rateLimited", { seconds }) : t("errors.rateLimitedNoTime");
    }
    case "PASSWORD_POLICY":
      return t(policyRule(message));
    case "CURRENT_PASSWORD_WRONG":
      // The same code for a step-up's or an enrolment's password and a password change's "current password".
      return /current/i.test(message) ? t("errors.currentPasswordWrong") : t("errors.passwordWrong");
    case undefined:
      // The browser's own WebAuthn failures (closed prompt, timeout) are DOMExceptions.
      if (error instanceof DOMException) return t("errors.passkeyFailed");
      return unreachable(error) ? t("errors.network") : t("errors.generic");
  }
  const key = `errors.code.${code}`;
  return hasMessage(key) ? t(key) : t("errors.generic");
}
