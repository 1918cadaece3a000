/**
 * "Recent activity": the account's security events (auth.activity), newest
 * first, 20 a page; "Show older activity" follows the server's cursor. Each
 * entry: what happened (the catalogue's words for the event), when (the
 * page's language), from which device and network.
 */
import type { TollgateClient } from "@tollgate/client-sdk";
import { errorText } from "./errors.js";
import { formatDate } from "./format.js";
import { type MessageKey, t } from "./i18n.js";
import { showProfileError, view } from "./view.js";

type ActivityPage = Awaited<ReturnType<TollgateClient["auth"]["activity"]["query"]>>;
type ActivityEntry = ActivityPage["events"][number];

/** Each event the server can list has words in the catalogue: a new one is a compile error here, not a blank. */
const EVENT_WORDS: { readonly [E in ActivityEntry["event"]]: `activity.event.${E}` & MessageKey } = {
  signed_up: "activity.event.signed_up",
  login_succeeded: "activity.event.login_succeeded",
  login_failed: "activity.event.login_failed",
  login_rate_limited: "activity.event.login_rate_limited",
  new_device: "activity.event.new_device",
  logout: "activity.event.logout",
  logout_all: "activity.event.logout_all",
  session_revoked: "activity.event.session_revoked",
  refresh_reuse_detected: "activity.event.refresh_reuse_detected",
  password_changed: "activity.event.password_changed",
  password_reset: "activity.event.password_reset",
  email_change_requested: "activity.event.email_change_requested",
  email_verified: "activity.event.email_verified",
  mfa_enabled: "activity.event.mfa_enabled",
  mfa_disabled: "activity.event.mfa_disabled",
  mfa_failed: "activity.event.mfa_failed",
  mfa_locked: "activity.event.mfa_locked",
  mfa_unlocked: "activity.event.mfa_unlocked",
  mfa_reset: "activity.event.mfa_reset",
  recovery_code_used: "activity.event.recovery_code_used",
  recovery_codes_regenerated: "activity.event.recovery_codes_regenerated",
  credential_added: "activity.event.credential_added",
  credential_removed: "activity.event.credential_removed",
  step_up: "activity.event.step_up",
  step_up_failed: "activity.event.step_up_failed",
  admin_action: "activity.event.admin_action",
};

/** One event as a list item: also the Administration section's words for a user's activity. */
export function activityItem(event: ActivityEntry): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.event = event.event;
  const what = document.createElement("div");
  // A newer server's event this page does not know yet: generic words.
  const key: MessageKey | undefined = EVENT_WORDS[event.event];
  what.textContent = t(key ?? "activity.event.other");
  const meta = document.createElement("div");
  meta.className = "meta";
  const when = document.createElement("time");
  when.dateTime = new Date(event.at).toISOString();
  when.textContent = formatDate(event.at);
  const where = t("activity.where", {
    device: event.device ?? t("sessions.unknownDevice"),
    network: event.ip ?? t("sessions.unknownNetwork"),
  });
  meta.append(when, ` · ${where}`);
  li.append(what, meta);
  return li;
}

export function createActivitySection(api: TollgateClient) {
  let cursor: string | null = null;

  function show(page: ActivityPage, append: boolean): void {
    const items = page.events.map(activityItem);
    if (append) view.activityList.append(...items);
    else if (items.length > 0) view.activityList.replaceChildren(...items);
    else
      view.activityList.replaceChildren(
        Object.assign(document.createElement("li"), { textContent: t("activity.empty") }),
      );
    cursor = page.nextCursor;
    view.activityMore.hidden = cursor === null;
  }

  view.activityMore.addEventListener("click", () => {
    if (cursor === null) return;
    api.auth.activity.query({ cursor }).then(
      (page) => show(page, true),
      (error: unknown) => showProfileError(errorText(error)),
    );
  });

  /** The newest page again (after signing in, and after an action that adds an event). */
  async function render(): Promise<void> {
    show(await api.auth.activity.query(), false);
  }

  return { render };
}
