/**
 * One user, below the search: the account (address, status, role, when it
 * was made), its second factors, what can be done to it, its live sessions
 * with their devices and its activity. Focus goes to its heading when it is
 * opened, and back to the action's button when it is shown again after one.
 */
import { deviceLabel, useTollgateUI } from "@tollgate/react-ui";
import { useEffect, useId, useRef } from "react";
import { t } from "../i18n.js";
import { AdminButton } from "./button.js";
import type { OpenedUser } from "./types.js";
import type { AdminCall } from "./use-admin-call.js";
import { UserActions } from "./user-actions.js";
import { UserActivity } from "./user-activity.js";
import { accountLine, factorsLine } from "./words.js";

export interface UserPanelProps {
  readonly opened: OpenedUser;
  readonly call: AdminCall;
  readonly onDone: (said: string, action: string) => Promise<void>;
  readonly onDeleted: (said: string) => void;
  readonly onFail: (error: unknown) => void;
  readonly onClose: () => void;
}

export function UserPanel(props: UserPanelProps) {
  const { i18n } = useTollgateUI();
  const { user, sessions, focus } = props.opened;
  const headingId = useId();
  const sessionsId = useId();
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The panel is keyed by its opening: this runs once per showing.
  useEffect(() => {
    const back = focus && panel.current?.querySelector<HTMLElement>(`[data-action="${focus}"]`);
    (back || heading.current)?.focus();
  }, [focus]);
  return (
    <section ref={panel} className="tg-section tg-admin-user" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t("admin.user", { username: user.username })}
      </h3>
      <p className="tg-meta">{accountLine(user, i18n)}</p>
      <p className="tg-intro">{factorsLine(props.opened.secondFactors, i18n)}</p>
      <UserActions
        user={user}
        call={props.call}
        onDone={props.onDone}
        onDeleted={props.onDeleted}
        onFail={props.onFail}
      />
      <h4 id={sessionsId}>{t("admin.sessions")}</h4>
      <ul className="tg-list" aria-labelledby={sessionsId}>
        {sessions.length === 0 ? (
          <li className="tg-item">{t("admin.noSessions")}</li>
        ) : (
          sessions.map((session) => (
            <li key={session.id} className="tg-item" data-session-id={session.id}>
              <div className="tg-item-text">
                {/* The server names the device from its user agent; never the raw string here. */}
                <div className="tg-item-title">{deviceLabel(i18n.t, session) ?? i18n.t("sessions.unknownDevice")}</div>
                <div className="tg-meta">
                  {[
                    session.ip,
                    i18n.t("sessions.since", { date: i18n.dateTime(session.createdAt) }),
                    i18n.t("sessions.lastUsed", { date: i18n.dateTime(session.lastUsedAt) }),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </div>
              </div>
            </li>
          ))
        )}
      </ul>
      <UserActivity userId={user.id} first={props.opened.activity} call={props.call} onFail={props.onFail} />
      <div className="tg-actions">
        <AdminButton onClick={props.onClose}>{t("admin.close")}</AdminButton>
      </div>
    </section>
  );
}
