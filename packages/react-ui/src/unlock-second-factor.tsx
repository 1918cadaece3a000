import { useTollgateUI } from "./context.js";
import { LinkScreen } from "./link-screen.js";

export interface UnlockSecondFactorProps {
  /** The token of the link mailed when two-step sign-in locked (`/mfa-unlock?token=…`). */
  readonly token: string;
  /** "Continue" after the answer: the host shows sign-in. */
  readonly onDone?: () => void;
}

const WORDS = {
  title: "unlock.title",
  working: "unlock.working",
  done: "unlock.done",
  continue: "unlock.continue",
} as const;

/** Unlocks two-step sign-in from the link mailed after too many wrong codes, once, and says how it went. */
export function UnlockSecondFactor(props: UnlockSecondFactorProps) {
  const { api } = useTollgateUI();
  return (
    <LinkScreen
      name="unlock-second-factor"
      token={props.token}
      words={WORDS}
      follow={(token) => api.auth.mfa.unlock.mutate({ token })}
      onDone={props.onDone}
    />
  );
}
