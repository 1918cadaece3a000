/**
 * What an administrator can do to one user: disable or enable, end its
 * sessions, reset its second factors, resend the address's confirmation
 * link (only while one is waiting), grant or revoke the role, delete.
 * Deleting cannot be undone: the buttons give way to a question and its two
 * answers first, focus on "Cancel".
 */
import { useTollgateUI } from "@tollgate/react-ui";
import { useEffect, useRef, useState } from "react";
import { t } from "../i18n.js";
import { AdminButton } from "./button.js";
import type { Account } from "./types.js";
import type { AdminCall } from "./use-admin-call.js";

export interface UserActionsProps {
  readonly user: Account;
  readonly call: AdminCall;
  /** An action went through: `said` is its outcome, `action` the button to focus once the user is shown again. */
  readonly onDone: (said: string, action: string) => Promise<void>;
  readonly onDeleted: (said: string) => void;
  readonly onFail: (error: unknown) => void;
}

export function UserActions(props: UserActionsProps) {
  const { i18n } = useTollgateUI();
  const { user, call } = props;
  const id = user.id;
  const name = { username: user.username };
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  // Focus follows the question and its answers, but not on first showing: the panel places it then.
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) (confirming ? cancelButton : deleteButton).current?.focus();
  }, [confirming]);
  const confirm = (value: boolean) => {
    asked.current = true;
    setConfirming(value);
  };

  /** One action at a time; the outcome's words come from `run`. */
  const perform = (action: string, run: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    run()
      .then((said) => props.onDone(said, action), props.onFail)
      .finally(() => setBusy(false));
  };
  const count = (sessionsEnded: number) => i18n.number(sessionsEnded);

  if (confirming) {
    return (
      <fieldset className="tg-admin-confirm">
        <legend>{t("admin.confirmDelete", name)}</legend>
        <div className="tg-actions">
          <AdminButton
            danger
            busy={busy}
            onClick={() => {
              setBusy(true);
              call((api) => api.admin.users.delete.mutate({ id }))
                .then(() => props.onDeleted(t("admin.done.deleted", name)), props.onFail)
                .finally(() => setBusy(false));
            }}
          >
            {t("admin.confirmDeleteSubmit")}
          </AdminButton>
          <AdminButton ref={cancelButton} onClick={() => confirm(false)}>
            {t("admin.cancel")}
          </AdminButton>
        </div>
      </fieldset>
    );
  }
  return (
    <fieldset className="tg-actions" aria-label={t("admin.actionsFor", name)}>
      {user.isActive ? (
        <AdminButton
          action="active"
          busy={busy}
          onClick={() =>
            perform("active", async () => {
              const { sessionsEnded } = await call((api) => api.admin.users.setActive.mutate({ id, active: false }));
              return t("admin.done.disabled", { ...name, count: count(sessionsEnded) });
            })
          }
        >
          {t("admin.disable")}
        </AdminButton>
      ) : (
        <AdminButton
          action="active"
          busy={busy}
          onClick={() =>
            perform("active", async () => {
              await call((api) => api.admin.users.setActive.mutate({ id, active: true }));
              return t("admin.done.enabled", name);
            })
          }
        >
          {t("admin.enable")}
        </AdminButton>
      )}
      <AdminButton
        action="sessions"
        busy={busy}
        onClick={() =>
          perform("sessions", async () => {
            const { sessionsEnded } = await call((api) => api.admin.users.endSessions.mutate({ id }));
            return t("admin.done.sessionsEnded", { ...name, count: count(sessionsEnded) });
          })
        }
      >
        {t("admin.endSessions")}
      </AdminButton>
      <AdminButton
        action="factors"
        busy={busy}
        onClick={() =>
          perform("factors", async () => {
            const { sessionsEnded } = await call((api) => api.admin.users.resetSecondFactors.mutate({ id }));
            return t("admin.done.factorsReset", { ...name, count: count(sessionsEnded) });
          })
        }
      >
        {t("admin.resetFactors")}
      </AdminButton>
      {/* Only an address waiting for its link has anything to resend. */}
      {user.email && !user.emailVerified && (
        <AdminButton
          action="verification"
          busy={busy}
          onClick={() =>
            perform("verification", async () => {
              const { sent } = await call((api) => api.admin.users.resendVerification.mutate({ id }));
              return t(sent ? "admin.done.verificationSent" : "admin.done.verificationNotSent", name);
            })
          }
        >
          {t("admin.resendVerification")}
        </AdminButton>
      )}
      <AdminButton
        action="role"
        busy={busy}
        onClick={() =>
          perform("role", async () => {
            const { admin } = await call((api) => api.admin.users.setAdmin.mutate({ id, admin: !user.isAdmin }));
            return t(admin ? "admin.done.adminGranted" : "admin.done.adminRevoked", name);
          })
        }
      >
        {t(user.isAdmin ? "admin.removeAdmin" : "admin.makeAdmin")}
      </AdminButton>
      <AdminButton ref={deleteButton} action="delete" busy={busy} onClick={() => confirm(true)}>
        {t("admin.delete")}
      </AdminButton>
    </fieldset>
  );
}
