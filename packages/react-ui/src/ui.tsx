/** The building blocks every component shares: the themed root, labelled fields, alerts, a form with busy/error state. */
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { errorKey, errorMessage } from "./errors.js";
import type { MessageKey } from "./i18n/catalogue.js";

/** Class names: stable `tg-*` names always; `tg-themed` only when styled (styles.css applies under it). */
export function Root(props: { readonly name: string; readonly children: ReactNode; readonly label?: string }) {
  const { i18n, unstyled, style } = useTollgateUI();
  return (
    <section
      className={`tg-root tg-${props.name}${unstyled ? "" : " tg-themed"}`}
      dir={i18n.dir}
      lang={i18n.locale}
      style={style}
      aria-label={props.label}
    >
      {props.children}
    </section>
  );
}

export interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly type?: "text" | "password" | "email";
  readonly autoComplete: string;
  readonly required?: boolean;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly inputMode?: "numeric" | "text";
  readonly maxLength?: number;
  readonly describedBy?: string;
}

export function Field(props: FieldProps) {
  const id = useId();
  return (
    <div className="tg-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        required={props.required ?? true}
        value={props.value}
        inputMode={props.inputMode}
        maxLength={props.maxLength ?? (props.type === "password" ? 1024 : 254)}
        aria-describedby={props.describedBy}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

/** An error announced as it appears (role="alert"); rendered empty so the live region exists before it fills. */
export function Alert(props: { readonly id?: string; readonly message: string | undefined }) {
  return (
    <p id={props.id} className="tg-error" role="alert">
      {props.message}
    </p>
  );
}

/** A polite announcement (role="status"): "Saved.", "We mailed a link…". */
export function Notice(props: { readonly message: string | undefined }) {
  return (
    <p className="tg-notice" role="status">
      {props.message}
    </p>
  );
}

/** Runs an async action with a busy flag and an error message from the catalogue. */
export function useAction() {
  const { i18n } = useTollgateUI();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function run(action: () => Promise<void>, keyOf: (error: unknown) => MessageKey = errorKey): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(i18n, failure, keyOf(failure)));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

export interface ActionFormProps {
  readonly name: string;
  readonly title?: string;
  readonly intro?: ReactNode;
  readonly submit: string;
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly onSubmit: () => void;
  readonly children: ReactNode;
  /** Buttons after the submit button (Back, Cancel…). */
  readonly actions?: ReactNode;
  /** Move focus to the first field when shown: true for a step the user just asked for. */
  readonly focusFirst?: boolean;
  readonly headingLevel?: 2 | 3;
}

/**
 * A form with a heading, its fields, a submit button and an alert. Focus goes
 * to the first field when the form appears (the next step) and back to it on
 * an error, so a keyboard user types again where they must.
 */
export function ActionForm(props: ActionFormProps) {
  const ref = useRef<HTMLFormElement>(null);
  const errorId = useId();
  const headingId = useId();
  const focusFirst = props.focusFirst ?? true;
  useEffect(() => {
    if (focusFirst) ref.current?.querySelector<HTMLElement>("input, button")?.focus();
  }, [focusFirst]);
  useEffect(() => {
    if (props.error) ref.current?.querySelector<HTMLElement>("input")?.focus();
  }, [props.error]);
  const Heading = props.headingLevel === 3 ? "h3" : "h2";
  return (
    <form
      ref={ref}
      className={`tg-form tg-form-${props.name}`}
      aria-labelledby={props.title ? headingId : undefined}
      aria-describedby={props.error ? errorId : undefined}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (!props.busy) props.onSubmit();
      }}
    >
      {props.title && <Heading id={headingId}>{props.title}</Heading>}
      {props.intro && <p className="tg-intro">{props.intro}</p>}
      {props.children}
      <div className="tg-actions">
        <button type="submit" className="tg-button tg-primary" aria-disabled={props.busy}>
          {props.submit}
        </button>
        {props.actions}
      </div>
      <Alert id={errorId} message={props.error} />
    </form>
  );
}

export function Button(props: {
  readonly onClick: () => void;
  readonly children: ReactNode;
  readonly label?: string;
  readonly primary?: boolean;
  readonly busy?: boolean;
}) {
  return (
    <button
      type="button"
      className={`tg-button ${props.primary ? "tg-primary" : "tg-secondary"}`}
      aria-label={props.label}
      aria-disabled={props.busy}
      onClick={() => {
        if (!props.busy) props.onClick();
      }}
    >
      {props.children}
    </button>
  );
}

/** `t` bound to the provider's language. */
export function useT(): (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string {
  return useTollgateUI().i18n.t;
}
