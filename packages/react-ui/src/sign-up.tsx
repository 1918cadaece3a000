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
  /**
   * The token of the one-time setup link a server with no account yet prints
   * (`/setup?token=…`): the form creates that first account (auth.setup), the
   * address optional, whether or not sign-up is open.
   */
  readonly setupToken?: string;
}

/**
 * auth.signUp: username, address and password; signs in, or asks to follow
 * the mailed link first. With `setupToken`, the first account (auth.setup).
 */
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
  const setupToken = props.setupToken;
  const toSignIn = props.onSignIn && <Button onClick={props.onSignIn}>{t("signUp.haveAccount")}</Button>;
  if (verifyAt !== undefined || (info.data?.signup === "closed" && setupToken === undefined)) {
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
        name={setupToken === undefined ? "sign-up" : "setup"}
        title={t(setupToken === undefined ? "signUp.title" : "signUp.setupTitle")}
        // The visitor followed the setup link already: the text says what it does, not where to find it.
        intro={setupToken === undefined ? undefined : t("signUp.setupIntro")}
        submit={t(setupToken === undefined ? "signUp.submit" : "signUp.setupSubmit")}
        busy={action.busy}
        error={action.error}
        focusFirst={setupToken !== undefined}
        actions={toSignIn}
        onSubmit={() =>
          action.run(async () => {
            const address = email.trim();
            if (setupToken !== undefined) {
              const { user } = await api.auth.setup.mutate({
                token: setupToken,
                username: username.trim(),
                password,
                ...(address ? { email: address } : {}),
              });
              signedIn(user);
              props.onSignedUp?.(user);
              return;
            }
            const result = await api.auth.signUp.mutate({ username: username.trim(), email: address, password });
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
          label={t(setupToken === undefined ? "common.email" : "signUp.emailOptional")}
          autoComplete="email"
          required={setupToken === undefined}
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
