import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { errorKey } from "./errors.js";
import { UI_KEY } from "./session.js";
import { Alert, Button, Notice, Root, useT } from "./ui.js";

export interface VerifyEmailProps {
  /** The token of the mailed link (`/verify-email?token=…`). */
  readonly token: string;
  /** "Continue" after the answer: the host shows its next screen. */
  readonly onDone?: () => void;
}

/** Confirms an address from its mailed link, once (a link is single-use), and says how it went. */
export function VerifyEmail(props: VerifyEmailProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<{ ok: true } | { ok: false; message: string }>();
  // Once per token, even when React runs effects twice (StrictMode): a second call would say "already used".
  const sent = useRef<string>(undefined);
  useEffect(() => {
    if (sent.current === props.token) return;
    sent.current = props.token;
    api.auth.verifyEmail.mutate({ token: props.token }).then(
      () => {
        setResult({ ok: true });
        // The profile (user.me) now says confirmed.
        void queryClient.invalidateQueries({ queryKey: [UI_KEY] });
      },
      (error: unknown) => setResult({ ok: false, message: t(errorKey(error)) }),
    );
  }, [api, props.token, queryClient, t]);
  return (
    <Root name="verify-email">
      <h2>{t("verify.title")}</h2>
      {result === undefined && <Notice message={t("verify.working")} />}
      {result?.ok && <Notice message={t("verify.done")} />}
      {result && !result.ok && <Alert message={result.message} />}
      {result && props.onDone && (
        <div className="tg-actions">
          <Button primary onClick={props.onDone}>
            {t("verify.continue")}
          </Button>
        </div>
      )}
    </Root>
  );
}
