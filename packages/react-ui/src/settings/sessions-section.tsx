import { useQuery, useQueryClient } from "@tanstack/react-query";
import { withStepUp } from "@tollgate/client-sdk";
import { useTollgateUI } from "../context.js";
import type { MessageKey } from "../i18n/catalogue.js";
import { UI_KEY } from "../session.js";
import { Alert, Button, useAction, useT } from "../ui.js";
import { deviceLabel } from "./device-label.js";
import { Section, type SectionProps, useSignedOut } from "./section.js";

const KEY = [UI_KEY, "sessions"];

const ENDED = new Set(["logout", "logout_all", "revoked_by_user", "password_changed", "refresh_token_reused", "admin"]);

/** Live sessions (this device first) and those ended lately; end one, or all (a step-up may be asked). */
export function SessionsSection(props: SectionProps) {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const signedOut = useSignedOut();
  const list = useQuery({ queryKey: KEY, queryFn: () => api.auth.sessions.query() });
  const action = useAction();
  const sessions = [...(list.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <Section name="sessions" title={t("sessions.title")}>
      <ul className="tg-list" aria-label={t("sessions.list")}>
        {sessions.map((session) => {
          // The server names the device from its user agent (a maintained parser); never the raw string here.
          const device = deviceLabel(t, session) ?? t("sessions.unknownDevice");
          const status = session.revokedAt
            ? t(
                `sessions.ended.${ENDED.has(session.revokedReason ?? "") ? session.revokedReason : "other"}` as MessageKey,
              )
            : t("sessions.lastUsed", { date: i18n.dateTime(session.lastUsedAt) });
          return (
            <li
              key={session.id}
              className={`tg-item${session.revokedAt ? " tg-ended" : ""}`}
              data-session-id={session.id}
            >
              <div className="tg-item-text">
                <div className="tg-item-title">
                  {session.current ? `${t("sessions.thisDevice")} · ${device}` : device}
                </div>
                <div className="tg-meta">
                  {[session.ip, t("sessions.since", { date: i18n.dateTime(session.createdAt) }), status]
                    .filter(Boolean)
                    .join(" · ")}
                </div>
              </div>
              {!session.revokedAt && !session.current && (
                <Button
                  label={t("sessions.endLabel", { device })}
                  busy={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api.auth.revokeSession.mutate({ id: session.id });
                      await queryClient.invalidateQueries({ queryKey: KEY });
                    })
                  }
                >
                  {t("sessions.end")}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="tg-actions">
        <Button
          busy={action.busy}
          onClick={() =>
            action.run(async () => {
              await withStepUp(api, () => api.auth.logoutAll.mutate(), props.prove);
              props.notify(undefined);
              signedOut();
            })
          }
        >
          {t("sessions.everywhere")}
        </Button>
      </div>
      <Alert message={action.error} />
    </Section>
  );
}
