import { authCodeOf } from "@tollgate/client-sdk";
import type { MessageKey } from "./i18n/catalogue.js";
import { en } from "./i18n/en.js";
import type { Translator } from "./i18n/translator.js";

/**
 * What a failure says, in the user's language: the server's reason code
 * decides (never its English wording); a passkey prompt the user cancelled
 * or the browser refused has a message of its own.
 */
export function errorKey(error: unknown): MessageKey {
  if (error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "AbortError")) {
    return "errors.PASSKEY_CANCELLED";
  }
  const code = authCodeOf(error);
  if (code === "PASSWORD_POLICY") {
    // Which rule the password broke, when the server says: one reason, not the whole policy.
    const rule = (error as { data?: { passwordRule?: unknown } }).data?.passwordRule;
    if (typeof rule === "string" && rule in en.passwordRules) return `passwordRules.${rule}` as MessageKey;
  }
  if (code && code in en.errors) return `errors.${code}` as MessageKey;
  if (error instanceof TypeError) return "errors.network"; // fetch failed: offline, server down
  return "errors.generic";
}

/**
 * Seconds to wait, as the server said with RATE_LIMITED: its Retry-After
 * header (on the answer tRPC keeps in `meta.response`), or a `retryAfter` in
 * the error's data; undefined when it said neither.
 */
function retryAfterOf(error: unknown): number | undefined {
  const failure = typeof error === "object" && error !== null ? (error as { meta?: unknown; data?: unknown }) : {};
  const response = (failure.meta as { response?: unknown } | undefined)?.response;
  const header = response instanceof Response ? response.headers.get("retry-after") : null;
  const fromData = (failure.data as { retryAfter?: unknown } | undefined)?.retryAfter;
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : fromData;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/**
 * The words for a failure whose catalogue key is `key`: a refusal after too
 * many attempts says how long to wait when the server said so (the person can
 * plan, not guess); every other key is the catalogue's text as it is.
 */
export function errorMessage(i18n: Translator, error: unknown, key: MessageKey = errorKey(error)): string {
  const seconds = key === "errors.RATE_LIMITED" ? retryAfterOf(error) : undefined;
  return seconds === undefined ? i18n.t(key) : i18n.t("errors.rateLimitedFor", { seconds: i18n.number(seconds) });
}
