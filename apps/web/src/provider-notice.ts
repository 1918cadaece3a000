/**
 * What the page says when a provider's redirect back lands with `?error=CODE`:
 * the catalogue's words for the code (never the server's), with the code
 * itself for a support request.
 */
import { hasMessage, t } from "./i18n.js";

export function providerErrorNotice(code: string): string {
  const key = `providerReturn.${code}`;
  const words = /^[A-Z_]+$/.test(code) && hasMessage(key) ? t(key) : t("providerReturn.other");
  return `${words} (${code})`;
}
