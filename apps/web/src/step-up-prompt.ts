/**
 * The step-up prompt: when a sensitive action answers STEP_UP_REQUIRED, the
 * page asks for the password or a code from the app (whichever the server
 * says this user can give) and the SDK's withStepUp proves it and retries.
 */
import type { StepUpProof, StepUpRequired } from "@tollgate/client-sdk";
import { type Field, showFlow } from "./account-flows.js";
import { view } from "./view.js";

const errorText = (error: unknown) => (error instanceof Error ? error.message : "Something went wrong");

function close(): void {
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  view.profile.hidden = false;
}

/** Asks for a proof; undefined when the user goes back. `failure`: the previous proof's refusal, shown. */
export function askStepUp(required: StepUpRequired, failure?: unknown): Promise<StepUpProof | undefined> {
  return new Promise((resolve) => {
    const fields: Field[] = [];
    if (required.methods.includes("password")) {
      fields.push({
        name: "password",
        label: "Password",
        type: "password",
        autocomplete: "current-password",
        required: false,
      });
    }
    if (required.methods.includes("totp")) {
      fields.push({
        name: "code",
        label: "Code from your authenticator app",
        autocomplete: "one-time-code",
        required: false,
      });
    }
    const flow = showFlow(
      "step-up",
      "Confirm it is you",
      fields,
      "Confirm",
      (form) => {
        const code = form.value("code");
        const password = form.value("password");
        if (!code && !password) {
          form.fail(fields.length > 1 ? "Enter your password or a code." : "Enter your password.");
          return;
        }
        close();
        resolve(code ? { code } : { password });
      },
      "This needs a recent sign-in.",
      () => {
        view.profile.hidden = false;
        resolve(undefined);
      },
    );
    if (failure !== undefined) flow.fail(errorText(failure));
  });
}
