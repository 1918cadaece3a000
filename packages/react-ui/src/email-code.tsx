import { needsSecondFactor, type PublicUser } from "@tollgate/client-sdk";
import { useState } from "react";
import { useTollgateUI } from "./context.js";
import { ActionForm, Button, Field, useAction, useT } from "./ui.js";

export interface EmailCodeProps {
  readonly onSignedIn: (user: PublicUser) => void;
  readonly onSecondFactor: (methods: readonly string[]) => void;
  readonly onBack: () => void;
}

/** "Email me a code": the address, then the six digits from the mail (its link signs in too). */
export function EmailCodeSignIn(props: EmailCodeProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string>();
  const [code, setCode] = useState("");
  const action = useAction();
  const back = <Button onClick={props.onBack}>{t("common.back")}</Button>;
  if (sentTo === undefined) {
    return (
      <ActionForm
        name="email-code"
        title={t("emailCode.title")}
        submit={t("emailCode.submit")}
        busy={action.busy}
        error={action.error}
        actions={back}
        onSubmit={() =>
          action.run(async () => {
            const address = email.trim();
            await api.auth.emailCode.request.mutate({ email: address });
            setSentTo(address);
          })
        }
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
  return (
    <ActionForm
      key="code"
      name="email-code-verify"
      title={t("emailCode.codeTitle")}
      intro={t("emailCode.codeIntro", { email: sentTo })}
      submit={t("emailCode.confirm")}
      busy={action.busy}
      error={action.error}
      actions={back}
      onSubmit={() =>
        action.run(async () => {
          const result = await api.auth.emailCode.verify.mutate({ email: sentTo, code: code.trim() });
          if (needsSecondFactor(result)) props.onSecondFactor(result.methods);
          else props.onSignedIn(result.user);
        })
      }
    >
      <Field
        name="code"
        label={t("emailCode.code")}
        autoComplete="one-time-code"
        inputMode="numeric"
        value={code}
        onChange={setCode}
        maxLength={6}
      />
    </ActionForm>
  );
}
