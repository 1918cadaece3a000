/**
 * What the section says for a failed call, in the page's language: the
 * server's reason code decides, never its English message. The components'
 * catalogue words every code it knows (as the account settings say them);
 * the administration-only codes have the page's own words.
 */
import { authCodeOf } from "@tollgate/client-sdk";
import { type MessageKey as ComponentKey, en as components, useTollgateUI } from "@tollgate/react-ui";
import { useCallback } from "react";
import { type MessageKey, t } from "../i18n.js";

const ADMIN_CODES: Readonly<Record<string, MessageKey>> = {
  ADMIN_REQUIRED: "admin.errors.ADMIN_REQUIRED",
  ADMIN_SELF_ACTION: "admin.errors.ADMIN_SELF_ACTION",
  USER_NOT_FOUND: "admin.errors.USER_NOT_FOUND",
};

/** No answer, or the server failed (5xx): the request may be worth sending again. */
function unreachable(error: unknown): boolean {
  const data =
    typeof error === "object" && error !== null ? (error as { data?: { httpStatus?: unknown } }).data : undefined;
  const status = data?.httpStatus;
  return typeof status !== "number" || status >= 500;
}

export function useErrorText(): (error: unknown) => string {
  const { i18n } = useTollgateUI();
  return useCallback(
    (error: unknown) => {
      const code = authCodeOf(error);
      const own = code === undefined ? undefined : ADMIN_CODES[code];
      if (own) return t(own);
      if (code !== undefined && code in components.errors) return i18n.t(`errors.${code}` as ComponentKey);
      return i18n.t(code === undefined && unreachable(error) ? "errors.network" : "errors.generic");
    },
    [i18n],
  );
}
