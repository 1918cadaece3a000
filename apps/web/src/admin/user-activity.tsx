/**
 * One user's activity (admin.users.activity), newest first, in the words the
 * account settings' "Recent activity" uses for the user's own; "Show older
 * activity" follows the server's cursor.
 */
import { type MessageKey as ComponentKey, en as components, deviceLabel, useTollgateUI } from "@tollgate/react-ui";
import { useId, useState } from "react";
import { t } from "../i18n.js";
import { AdminButton } from "./button.js";
import type { ActivityEvent, ActivityPage } from "./types.js";
import type { AdminCall } from "./use-admin-call.js";

export interface UserActivityProps {
  readonly userId: string;
  /** The first page, fetched with the user. */
  readonly first: ActivityPage;
  readonly call: AdminCall;
  readonly onFail: (error: unknown) => void;
}

/** A newer server's event this page does not know yet: the generic words. */
function eventKey(event: ActivityEvent["event"]): ComponentKey {
  return `activity.events.${event in components.activity.events ? event : "other"}` as ComponentKey;
}

export function UserActivity(props: UserActivityProps) {
  const { i18n } = useTollgateUI();
  const headingId = useId();
  const [events, setEvents] = useState(props.first.events);
  const [cursor, setCursor] = useState(props.first.nextCursor);
  const [busy, setBusy] = useState(false);
  const more = () => {
    if (cursor === null) return;
    setBusy(true);
    props
      .call((api) => api.admin.users.activity.query({ id: props.userId, cursor }))
      .then((next) => {
        setEvents((shown) => [...shown, ...next.events]);
        setCursor(next.nextCursor);
      }, props.onFail)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <h4 id={headingId}>{t("admin.activity")}</h4>
      <ol className="tg-list" aria-labelledby={headingId}>
        {events.length === 0 ? (
          <li className="tg-item">{i18n.t("activity.none")}</li>
        ) : (
          events.map((event) => {
            const where = [deviceLabel(i18n.t, event), event.ip].filter(Boolean).join(" · ");
            return (
              <li key={event.id} className="tg-item" data-event={event.event}>
                <div className="tg-item-text">
                  <div className="tg-item-title">{i18n.t(eventKey(event.event))}</div>
                  <div className="tg-meta">
                    <time dateTime={new Date(event.at).toISOString()}>{i18n.dateTime(event.at)}</time>
                    {where && ` · ${where}`}
                  </div>
                </div>
              </li>
            );
          })
        )}
      </ol>
      {cursor !== null && (
        <div className="tg-actions">
          <AdminButton onClick={more} busy={busy}>
            {t("admin.moreActivity")}
          </AdminButton>
        </div>
      )}
    </>
  );
}
