import { needsSecondFactor, type PublicUser } from "@tollgate/client-sdk";
import { useState } from "react";
import { useTollgateUI } from "./context.js";
import { SecondFactor } from "./second-factor.js";
import { useSignedIn } from "./session.js";
import { ActionForm, Button, Field, Notice, Root, useAction, useT } from "./ui.js";

/** "Forgot password?": the address, then the same answer whether or not an account has it. */
export function ResetRequestForm(props: { readonly onBack?: () => void }) {
  const { api } = useTollgateUI();
  const t = useT();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const action = useAction();
  const back = props.onBack && <Button onClick={props.onBack}>{t("forgot.back")}</Button>;
  if (sent) {
    return (
      <div className="tg-form tg-form-reset-sent">
        <h2>{t("forgot.title")}</h2>
        <Notice message={t("forgot.sent")} />
        {back && <div className="tg-actions">{back}</div>}
      </div>
    );
  }
  return (
    <ActionForm
      name="reset-request"
      title={t("forgot.title")}
      intro={t("forgot.intro")}
      submit={t("forgot.submit")}
      busy={action.busy}
      error={action.error}
      onSubmit={() =>
        action.run(async () => {
          await api.auth.requestPasswordReset.mutate({ email: email.trim() });
          setSent(true);
        })
      }
      actions={back}
    >
      <Field
        name="email"
        type="email"
        label={t("common.email")}
        autoComplete="email"
        value={email}
        onChange={setEmail}
      />
    </ActionForm>
  );
}

export interface ResetPasswordProps {
  /** The token of the mailed link (`/reset-password?token=…`); without it, the form that asks for a link. */
  readonly token?: string;
  /** Signed in with the new password (every other session ended). */
  readonly onSignedIn?: (user: PublicUser) => void;
  /** "Back to sign in" on the request form. */
  readonly onBack?: () => void;
}

/** Password reset: ask for a link, or (with the link's token) choose a new password, which signs in. */
export function ResetPassword(props: ResetPasswordProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const signedIn = useSignedIn();
  const [password, setPassword] = useState("");
  const [methods, setMethods] = useState<readonly string[]>();
  const [restart, setRestart] = useState<string>();
  const action = useAction();
  const done = (user: PublicUser) => {
    signedIn(user);
    props.onSignedIn?.(user);
  };
  if (props.token === undefined || restart !== undefined) {
    return (
      <Root name="reset-password">
        {restart && <Notice message={restart} />}
        <ResetRequestForm onBack={props.onBack} />
      </Root>
    );
  }
  if (methods) {
    return (
      <Root name="reset-password">
        <Notice message={t("reset.done")} />
        <SecondFactor methods={methods} onSignedIn={done} onRestart={setRestart} />
      </Root>
    );
  }
  const token = props.token;
  return (
    <Root name="reset-password">
      <ActionForm
        name="reset-complete"
        title={t("reset.title")}
        submit={t("reset.submit")}
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            const result = await api.auth.resetPassword.mutate({ token, newPassword: password });
            // The account has a second factor: the reset signs in only after it.
            if (needsSecondFactor(result)) setMethods(result.methods);
            else done(result.user);
          })
        }
      >
        <Field
          name="password"
          type="password"
          label={t("reset.password")}
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
      </ActionForm>
    </Root>
  );
}
