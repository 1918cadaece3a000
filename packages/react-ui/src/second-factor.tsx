import { needsSecondFactor, type PublicUser } from "@tollgate/client-sdk";
import { passkeySecondFactor } from "@tollgate/client-sdk/passkey";
import { useState } from "react";
import { useTollgateUI } from "./context.js";
import { errorKey } from "./errors.js";
import { ActionForm, Alert, Button, Field, useAction, useT } from "./ui.js";

export interface SecondFactorProps {
  /** What auth.login answered: `methods` of `{ mfaRequired: true, methods }`. */
  readonly methods: readonly string[];
  readonly onSignedIn: (user: PublicUser) => void;
  /** The pending sign-in is gone (expired, used up): back to the password, with this message. */
  readonly onRestart: (message: string) => void;
}

/** The second step of a sign-in: a TOTP or recovery code, and/or a passkey, as the account has them. */
export function SecondFactor(props: SecondFactorProps) {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const [code, setCode] = useState("");
  const action = useAction();
  const codes = props.methods.includes("totp") || props.methods.includes("recovery_code");
  const passkey = props.methods.includes("passkey");

  const failed = (error: unknown) => {
    if (errorKey(error) === "errors.MFA_PENDING_INVALID") props.onRestart(i18n.t("errors.MFA_PENDING_INVALID"));
    else throw error;
  };

  const verify = () =>
    action.run(async () => {
      const value = code.trim();
      // Six digits are an app's code; anything else is a recovery code.
      const input = /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value };
      try {
        const result = await api.auth.mfa.verify.mutate(input);
        if (!needsSecondFactor(result)) props.onSignedIn(result.user);
      } catch (error) {
        failed(error);
      }
    });

  const withPasskey = () =>
    action.run(async () => {
      try {
        const { user } = await passkeySecondFactor(api);
        props.onSignedIn(user);
      } catch (error) {
        failed(error);
      }
    });

  if (!codes) {
    return (
      <div className="tg-form tg-form-second-factor">
        <h2>{t("secondFactor.title")}</h2>
        <p className="tg-intro">{t("secondFactor.passkeyIntro")}</p>
        <div className="tg-actions">
          <Button primary onClick={withPasskey} busy={action.busy}>
            {t("secondFactor.passkey")}
          </Button>
        </div>
        <Alert message={action.error} />
      </div>
    );
  }
  return (
    <ActionForm
      name="second-factor"
      title={t("secondFactor.title")}
      intro={t("secondFactor.intro")}
      submit={t("secondFactor.submit")}
      busy={action.busy}
      error={action.error}
      onSubmit={verify}
      actions={
        passkey ? (
          <Button onClick={withPasskey} busy={action.busy}>
            {t("secondFactor.passkey")}
          </Button>
        ) : undefined
      }
    >
      <Field
        name="code"
        label={t("secondFactor.code")}
        autoComplete="one-time-code"
        value={code}
        onChange={setCode}
        maxLength={64}
      />
    </ActionForm>
  );
}
