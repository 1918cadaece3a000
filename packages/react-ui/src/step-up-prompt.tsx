import type { ProveIdentity, StepUpProof, StepUpRequired } from "@tollgate/client-sdk";
import { passkeyStepUpProof } from "@tollgate/client-sdk/passkey";
import { type ReactNode, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { errorKey } from "./errors.js";
import { ActionForm, Button, Field, useAction, useT } from "./ui.js";

export interface StepUpPromptProps {
  /** `data.stepUp` of the STEP_UP_REQUIRED error: which proofs this user can give. */
  readonly required: StepUpRequired;
  /** The previous proof's error (a wrong password), when asked again. */
  readonly failure?: unknown;
  readonly onProof: (proof: StepUpProof) => void;
  readonly onCancel: () => void;
}

/** "Confirm it is you": the password, a code from the app or a passkey, whichever the server says this user has. */
export function StepUpPrompt(props: StepUpPromptProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const action = useAction();
  const [message, setMessage] = useState<string | undefined>(
    props.failure === undefined ? undefined : t(errorKey(props.failure)),
  );
  const { methods } = props.required;
  const withPassword = methods.includes("password");
  const withCode = methods.includes("totp");
  return (
    <ActionForm
      name="step-up"
      title={t("stepUp.title")}
      intro={t("stepUp.intro")}
      submit={t("stepUp.submit")}
      busy={action.busy}
      error={message ?? action.error}
      onSubmit={() => {
        if (code.trim()) props.onProof({ code: code.trim() });
        else if (password) props.onProof({ password });
        else setMessage(t(withCode && withPassword ? "stepUp.needOne" : "stepUp.needPassword"));
      }}
      actions={
        <>
          {methods.includes("passkey") && (
            <Button
              busy={action.busy}
              onClick={() =>
                action.run(async () => {
                  setMessage(undefined);
                  props.onProof(await passkeyStepUpProof(api));
                })
              }
            >
              {t("stepUp.passkey")}
            </Button>
          )}
          <Button onClick={props.onCancel}>{t("stepUp.cancel")}</Button>
        </>
      }
    >
      {withPassword && (
        <Field
          name="password"
          type="password"
          label={t("stepUp.password")}
          autoComplete="current-password"
          required={false}
          value={password}
          onChange={setPassword}
        />
      )}
      {withCode && (
        <Field
          name="code"
          label={t("stepUp.code")}
          autoComplete="one-time-code"
          required={false}
          value={code}
          onChange={setCode}
          maxLength={64}
        />
      )}
    </ActionForm>
  );
}

/**
 * For `withStepUp(api, action, prove)`: `prove` shows the prompt (`prompt`,
 * rendered by the caller in place of what it covers) and resolves with the
 * proof, or undefined when the user cancels.
 */
export function useStepUp(): { readonly prove: ProveIdentity; readonly prompt: ReactNode } {
  const [asking, setAsking] = useState<{
    required: StepUpRequired;
    failure: unknown;
    attempt: number;
    resolve: (proof: StepUpProof | undefined) => void;
  }>();
  const attempts = useRef(0);
  const prove = useRef<ProveIdentity>(
    (required, failure) =>
      new Promise((resolve) => {
        attempts.current += 1;
        setAsking({ required, failure, attempt: attempts.current, resolve });
      }),
  ).current;
  const answer = (proof: StepUpProof | undefined) => {
    asking?.resolve(proof);
    setAsking(undefined);
  };
  const prompt = asking ? (
    <StepUpPrompt
      // A new prompt for each ask: a wrong password shows afresh.
      key={asking.attempt}
      required={asking.required}
      failure={asking.failure}
      onProof={answer}
      onCancel={() => answer(undefined)}
    />
  ) : null;
  return { prove, prompt };
}
