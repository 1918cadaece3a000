import { useQueryClient } from "@tanstack/react-query";
import { useTollgateUI } from "./context.js";
import { LinkScreen } from "./link-screen.js";
import { UI_KEY } from "./session.js";

export interface VerifyEmailProps {
  /** The token of the mailed link (`/verify-email?token=…`). */
  readonly token: string;
  /** "Continue" after the answer: the host shows its next screen. */
  readonly onDone?: () => void;
}

const WORDS = {
  title: "verify.title",
  working: "verify.working",
  done: "verify.done",
  continue: "verify.continue",
} as const;

/** Confirms an address from its mailed link, once (a link is single-use), and says how it went. */
export function VerifyEmail(props: VerifyEmailProps) {
  const { api } = useTollgateUI();
  const queryClient = useQueryClient();
  return (
    <LinkScreen
      name="verify-email"
      token={props.token}
      words={WORDS}
      follow={async (token) => {
        await api.auth.verifyEmail.mutate({ token });
        // The profile (user.me) now says confirmed.
        void queryClient.invalidateQueries({ queryKey: [UI_KEY] });
      }}
      onDone={props.onDone}
    />
  );
}
