import { useEffect, useRef, useState } from "react";
import { errorKey } from "./errors.js";
import type { MessageKey } from "./i18n/catalogue.js";
import { Alert, Button, Notice, Root, useT } from "./ui.js";

export interface LinkScreenProps {
  /** The root's `tg-<name>` class. */
  readonly name: string;
  /** The token of the mailed link. */
  readonly token: string;
  readonly words: {
    readonly title: MessageKey;
    readonly working: MessageKey;
    readonly done: MessageKey;
    readonly continue: MessageKey;
  };
  /** Uses the token (the server's single-use call). */
  readonly follow: (token: string) => Promise<unknown>;
  /** "Continue" after the answer: the host shows its next screen. */
  readonly onDone?: () => void;
}

/**
 * A mailed link's screen: uses its token once (a link is single-use) and
 * says how it went, with "Continue" after the answer.
 */
export function LinkScreen(props: LinkScreenProps) {
  const t = useT();
  const [result, setResult] = useState<{ ok: true } | { ok: false; message: string }>();
  // Once per token, even when React runs effects twice (StrictMode): a second call would say "already used".
  const sent = useRef<string>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per token (follow is new every render)
  useEffect(() => {
    if (sent.current === props.token) return;
    sent.current = props.token;
    props.follow(props.token).then(
      () => setResult({ ok: true }),
      (error: unknown) => setResult({ ok: false, message: t(errorKey(error)) }),
    );
  }, [props.token]);
  return (
    <Root name={props.name}>
      <h2>{t(props.words.title)}</h2>
      {result === undefined && <Notice message={t(props.words.working)} />}
      {result?.ok && <Notice message={t(props.words.done)} />}
      {result && !result.ok && <Alert message={result.message} />}
      {result && props.onDone && (
        <div className="tg-actions">
          <Button primary onClick={props.onDone}>
            {t(props.words.continue)}
          </Button>
        </div>
      )}
    </Root>
  );
}
