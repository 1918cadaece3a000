/**
 * "Recent activity": the account's security events (auth.activity), newest
 * first, 20 a page; "Show older activity" follows the server's cursor. Each
 * entry: what happened (the catalogue's words for the event), when (the
 * page's language), from which device and network.
 */
import type { TollgateClient } from "@tollgate/client-sdk";
import { errorText } from "./errors.js";
import { formatDate } from "./format.js";
import { hasMessage, t } from "./i18n.js";
import { showProfileError, view } from "./view.js";

type ActivityPage = Awaited<ReturnType<TollgateClient["auth"]["activity"]["query"]>>;
type ActivityEntry = ActivityPage["events"][number];

function entry(event: ActivityEntry): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.event = event.event;
  const what = document.createElement("div");
  const key = `activity.event.${event.event}`;
  what.textContent = hasMessage(key) ? t(key) : t("activity.event.other");
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
    const items = page.events.map(entry);
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
