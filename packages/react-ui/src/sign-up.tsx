import type { PublicUser } from "@tollgate/client-sdk";
import { useState } from "react";
import { useTollgateUI } from "./context.js";
import { useServerInfo, useSignedIn } from "./session.js";
import { ActionForm, Button, Field, Notice, Root, useAction, useT } from "./ui.js";

export interface SignUpProps {
  /** Signed in as the new account (when the server needs no email verification first). */
  readonly onSignedUp?: (user: PublicUser) => void;
  /** "I already have an account": the host shows `<SignIn>`. */
  readonly onSignIn?: () => void;
}

/** auth.signUp: username, address and password; signs in, or asks to follow the mailed link first. */
export function SignUp(props: SignUpProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const signedIn = useSignedIn();
  const info = useServerInfo();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [verifyAt, setVerifyAt] = useState<string>();
  const action = useAction();
  const toSignIn = props.onSignIn && <Button onClick={props.onSignIn}>{t("signUp.haveAccount")}</Button>;
  if (verifyAt !== undefined || info.data?.signup === "closed") {
    return (
      <Root name="sign-up">
        <h2>{t("signUp.title")}</h2>
        <Notice message={verifyAt !== undefined ? t("signUp.verify", { email: verifyAt }) : t("signUp.closed")} />
        {toSignIn && <div className="tg-actions">{toSignIn}</div>}
      </Root>
    );
  }
  return (
    <Root name="sign-up">
      <ActionForm
        name="sign-up"
        title={t("signUp.title")}
        submit={t("signUp.submit")}
        busy={action.busy}
        error={action.error}
        focusFirst={false}
        actions={toSignIn}
        onSubmit={() =>
          action.run(async () => {
            const result = await api.auth.signUp.mutate({ username: username.trim(), email: email.trim(), password });
            if ("verificationRequired" in result) {
              setVerifyAt(result.email);
              return;
            }
            signedIn(result.user);
            props.onSignedUp?.(result.user);
          })
        }
      >
        <Field
          name="username"
          label={t("signUp.username")}
          autoComplete="username"
          value={username}
          onChange={setUsername}
          maxLength={150}
        />
        <Field
          name="email"
          type="email"
          label={t("common.email")}
          autoComplete="email"
          value={email}
          onChange={setEmail}
        />
        <Field
          name="password"
          type="password"
          label={t("signUp.password")}
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
      </ActionForm>
    </Root>
  );
}
