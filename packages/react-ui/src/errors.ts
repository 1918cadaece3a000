import { authCodeOf } from "@tollgate/client-sdk";
import type { MessageKey } from "./i18n/catalogue.js";
import { en } from "./i18n/en.js";

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
  if (code && code in en.errors) return `errors.${code}` as MessageKey;
  if (error instanceof TypeError) return "errors.network"; // fetch failed: offline, server down
  return "errors.generic";
}
