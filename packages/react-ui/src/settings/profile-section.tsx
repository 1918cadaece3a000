import { useQuery, useQueryClient } from "@tanstack/react-query";
import { withStepUp } from "@tollgate/client-sdk";
import { useState } from "react";
import { useTollgateUI } from "../context.js";
import { UI_KEY } from "../session.js";
import { ActionForm, Button, Field, useAction, useT } from "../ui.js";
import { Section, type SectionProps } from "./section.js";

const sameAddress = (a: string | null, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** Names and the address (a new one pends until its mailed link is followed; the link can be sent again). */
export function ProfileSection(props: SectionProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: [UI_KEY, "me"], queryFn: () => api.user.me.query() });
  const [editing, setEditing] = useState(false);
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [email, setEmail] = useState("");
  const [currentPassword, setCurrentPassword] = useState("");
  const action = useAction();
  const user = me.data;
  if (!user)
    return (
      <Section name="profile" title={t("profile.title")}>
        {t("common.loading")}
      </Section>
    );

  const addressChanges = !sameAddress(email.trim() || null, user.email);
  const edit = () => {
    setFirstName(user.firstName);
    setLastName(user.lastName);
    setEmail(user.email ?? "");
    setCurrentPassword("");
    props.notify(undefined);
    setEditing(true);
  };
  const save = () =>
    action.run(async () => {
      const address = email.trim() || null;
      // The address goes only when it changes: an unchanged one is no new address to confirm.
      const saved = await withStepUp(
        api,
        () =>
          api.user.updateProfile.mutate({
            firstName: firstName.trim(),
            lastName: lastName.trim(),
            ...(addressChanges ? { email: address } : {}),
            ...(addressChanges && currentPassword ? { currentPassword } : {}),
          }),
        props.prove,
      );
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: [UI_KEY, "me"] });
      props.notify(
        addressChanges && saved.pendingEmail
          ? t("profile.savedPending", { email: saved.pendingEmail })
          : t("profile.saved"),
      );
    });
  const resend = () =>
    action.run(async () => {
      await api.auth.requestEmailVerification.mutate();
      props.notify(t("profile.resent", { email: user.pendingEmail ?? user.email ?? "" }));
    });

  if (editing) {
    return (
      <Section name="profile" title={t("profile.title")}>
        <ActionForm
          name="profile"
          submit={t("profile.save")}
          busy={action.busy}
          error={action.error}
          onSubmit={save}
          actions={<Button onClick={() => setEditing(false)}>{t("common.back")}</Button>}
        >
          <Field
            name="firstName"
            label={t("profile.firstName")}
            autoComplete="given-name"
            required={false}
            value={firstName}
            onChange={setFirstName}
            maxLength={150}
          />
          <Field
            name="lastName"
            label={t("profile.lastName")}
            autoComplete="family-name"
            required={false}
            value={lastName}
            onChange={setLastName}
            maxLength={150}
          />
          <Field
            name="email"
            type="email"
            label={t("common.email")}
            autoComplete="email"
            required={false}
            value={email}
            onChange={setEmail}
          />
          {addressChanges && (
            <Field
              name="currentPassword"
              type="password"
              label={t("profile.currentPassword")}
              autoComplete="current-password"
              required={false}
              value={currentPassword}
              onChange={setCurrentPassword}
            />
          )}
        </ActionForm>
      </Section>
    );
  }
  const name = `${user.firstName} ${user.lastName}`.trim();
  const unconfirmed = (user.email && !user.emailVerified) || user.pendingEmail;
  return (
    <Section name="profile" title={t("profile.title")}>
      <dl className="tg-facts">
        <dt>{t("profile.username")}</dt>
        <dd data-testid="username">{user.username}</dd>
        <dt>{t("profile.name")}</dt>
        <dd>{name || t("common.notSet")}</dd>
        <dt>{t("common.email")}</dt>
        <dd data-testid="email">
          {user.email
            ? `${user.email} (${t(user.emailVerified ? "profile.confirmed" : "profile.unconfirmed")})`
            : user.pendingEmail
              ? // A first address (a sign-up's) is the account's once its link is followed: shown, marked so.
                `${user.pendingEmail} (${t("profile.unconfirmed")})`
              : t("common.notSet")}
        </dd>
      </dl>
      {user.pendingEmail && (
        <p className="tg-intro">
          {t(user.email ? "profile.pending" : "profile.pendingFirst", { email: user.pendingEmail })}
        </p>
      )}
      <div className="tg-actions">
        <Button onClick={edit}>{t("profile.edit")}</Button>
        {unconfirmed && (
          <Button onClick={resend} busy={action.busy}>
            {t("profile.resend")}
          </Button>
        )}
      </div>
      {!editing && action.error && (
        <p className="tg-error" role="alert">
          {action.error}
        </p>
      )}
    </Section>
  );
}
