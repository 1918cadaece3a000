import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTollgateUI } from "../context.js";
import { UI_KEY } from "../session.js";
import { ActionForm, Button, Field, useAction, useT } from "../ui.js";
import { Section, type SectionProps } from "./section.js";

type Step =
  | { readonly kind: "status" }
  | { readonly kind: "password" }
  | { readonly kind: "enrol"; readonly secret: string; readonly qrSvg: string }
  | { readonly kind: "codes"; readonly codes: readonly string[] }
  | { readonly kind: "regenerate" }
  | { readonly kind: "disable" };

/**
 * TOTP: on with the password (a session alone sees no secret), then the QR
 * code and a code from the app; recovery codes shown once; new codes with the
 * password and a code; off with the password.
 */
export function TwoStepSection(_props: SectionProps) {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: [UI_KEY, "mfa"], queryFn: () => api.auth.mfa.status.query() });
  const [step, setStep] = useState<Step>({ kind: "status" });
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const action = useAction();
  const go = (next: Step) => {
    setPassword("");
    setCode("");
    setStep(next);
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: [UI_KEY] });
  const back = <Button onClick={() => go({ kind: "status" })}>{t("common.back")}</Button>;
  const passwordField = (
    <Field
      name="password"
      type="password"
      label={t("twoStep.password")}
      autoComplete="current-password"
      value={password}
      onChange={setPassword}
    />
  );
  const codeField = (
    <Field
      name="code"
      label={t("twoStep.code")}
      autoComplete="one-time-code"
      inputMode="numeric"
      value={code}
      onChange={setCode}
      maxLength={6}
    />
  );

  let body: ReactNode;
  if (step.kind === "password") {
    body = (
      <ActionForm
        name="totp-password"
        intro={t("twoStep.passwordIntro")}
        submit={t("twoStep.continue")}
        busy={action.busy}
        error={action.error}
        actions={back}
        onSubmit={() =>
          action.run(async () => {
            const enrolment = await api.auth.mfa.totp.begin.mutate({ password });
            go({ kind: "enrol", secret: enrolment.secret, qrSvg: enrolment.qrSvg });
          })
        }
      >
        {passwordField}
      </ActionForm>
    );
  } else if (step.kind === "enrol") {
    body = (
      <ActionForm
        key="enrol"
        name="totp-enrol"
        submit={t("twoStep.enable")}
        busy={action.busy}
        error={action.error}
        actions={back}
        onSubmit={() =>
          action.run(async () => {
            const { recoveryCodes } = await api.auth.mfa.totp.confirm.mutate({ code: code.trim() });
            go({ kind: "codes", codes: recoveryCodes });
            await refresh();
          })
        }
      >
        <img
          className="tg-qr"
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(step.qrSvg)}`}
          alt={t("twoStep.qrAlt")}
          width={200}
          height={200}
        />
        <p className="tg-intro">
          {t("twoStep.secret")}{" "}
          <code dir="ltr" data-testid="totp-secret">
            {step.secret}
          </code>
        </p>
        {codeField}
      </ActionForm>
    );
  } else if (step.kind === "codes") {
    body = <RecoveryCodes codes={step.codes} onDone={() => go({ kind: "status" })} />;
  } else if (step.kind === "regenerate") {
    body = (
      <ActionForm
        name="recovery-codes-new"
        intro={t("twoStep.regenerateIntro")}
        submit={t("twoStep.regenerateSubmit")}
        busy={action.busy}
        error={action.error}
        actions={back}
        onSubmit={() =>
          action.run(async () => {
            const { recoveryCodes } = await api.auth.mfa.recoveryCodes.regenerate.mutate({
              password,
              code: code.trim(),
            });
            go({ kind: "codes", codes: recoveryCodes });
            await refresh();
          })
        }
      >
        {passwordField}
        {codeField}
      </ActionForm>
    );
  } else if (step.kind === "disable") {
    body = (
      <ActionForm
        name="totp-off"
        submit={t("twoStep.disableSubmit")}
        busy={action.busy}
        error={action.error}
        actions={back}
        onSubmit={() =>
          action.run(async () => {
            await api.auth.mfa.totp.disable.mutate({ password });
            go({ kind: "status" });
            await refresh();
          })
        }
      >
        {passwordField}
      </ActionForm>
    );
  } else if (status.data) {
    const on = status.data.totp;
    body = (
      <>
        <p className="tg-intro" data-testid="mfa-status">
          {on ? t("twoStep.on", { count: i18n.number(status.data.recoveryCodesLeft) }) : t("twoStep.off")}
        </p>
        <div className="tg-actions">
          {on ? (
            <>
              <Button onClick={() => go({ kind: "regenerate" })}>{t("twoStep.regenerate")}</Button>
              <Button onClick={() => go({ kind: "disable" })}>{t("twoStep.disable")}</Button>
            </>
          ) : (
            <Button onClick={() => go({ kind: "password" })}>{t("twoStep.setUp")}</Button>
          )}
        </div>
      </>
    );
  } else {
    body = <p>{t("common.loading")}</p>;
  }
  return (
    <Section name="two-step" title={t("twoStep.title")}>
      {body}
    </Section>
  );
}

/** The new recovery codes, once; "I have saved them" closes them for good. */
function RecoveryCodes(props: { readonly codes: readonly string[]; readonly onDone: () => void }) {
  const t = useT();
  return (
    <div className="tg-recovery">
      <h4>{t("twoStep.recoveryTitle")}</h4>
      <p className="tg-intro">{t("twoStep.recoveryIntro")}</p>
      <ol className="tg-codes" aria-label={t("twoStep.recoveryTitle")} dir="ltr">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="tg-actions">
        <Button primary onClick={props.onDone}>
          {t("twoStep.recoverySaved")}
        </Button>
      </div>
    </div>
  );
}
