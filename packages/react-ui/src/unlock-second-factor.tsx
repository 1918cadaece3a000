import { useEffect, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { errorKey } from "./errors.js";
import { Alert, Button, Notice, Root, useT } from "./ui.js";

export interface UnlockSecondFactorProps {
  /** The token of the link mailed when two-step sign-in locked (`/mfa-unlock?token=…`). */
  readonly token: string;
  /** "Continue" after the answer: the host shows sign-in. */
  readonly onDone?: () => void;
}

/**
 * Unlocks two-step sign-in from the link mailed after too many wrong codes,
 * once (a link is single-use), and says how it went.
 */
export function UnlockSecondFactor(props: UnlockSecondFactorProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const [result, setResult] = useState<{ ok: true } | { ok: false; message: string }>();
  // Once per token, even when React runs effects twice (StrictMode): a second call would say "already used".
  const sent = useRef<string>(undefined);
  useEffect(() => {
    if (sent.current === props.token) return;
    sent.current = props.token;
    api.auth.mfa.unlock.mutate({ token: props.token }).then(
      () => setResult({ ok: true }),
      (error: unknown) => setResult({ ok: false, message: t(errorKey(error)) }),
    );
  }, [api, props.token, t]);
  return (
    <Root name="unlock-second-factor">
      <h2>{t("unlock.title")}</h2>
      {result === undefined && <Notice message={t("unlock.working")} />}
      {result?.ok && <Notice message={t("unlock.done")} />}
      {result && !result.ok && <Alert message={result.message} />}
      {result && props.onDone && (
        <div className="tg-actions">
          <Button primary onClick={props.onDone}>
            {t("unlock.continue")}
          </Button>
        </div>
      )}
    </Root>
  );
}
