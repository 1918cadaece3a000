/**
 * The step-up prompt: when a sensitive action answers STEP_UP_REQUIRED, the
 * page asks for the password, a code from the app or a passkey (whichever
 * the server says this user can give) and the SDK's withStepUp proves it and
 * retries.
 */
import type { ProveIdentity, StepUpProof, StepUpRequired, TollgateClient } from "@tollgate/client-sdk";
import { passkeyStepUpProof } from "@tollgate/client-sdk/passkey";
import { type Field, showFlow } from "./account-flows.js";
import { errorText } from "./errors.js";
import { t } from "./i18n.js";
import { view } from "./view.js";

function close(): void {
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  view.profile.hidden = false;
}

function fieldsFor(required: StepUpRequired): Field[] {
  const fields: Field[] = [];
  if (required.methods.includes("password")) {
    fields.push({
      name: "password",
      label: t("stepUp.password"),
      type: "password",
      autocomplete: "current-password",
      required: false,
    });
  }
  if (required.methods.includes("totp")) {
    fields.push({
      name: "code",
      label: t("stepUp.code"),
      autocomplete: "one-time-code",
      required: false,
    });
  }
  return fields;
}

/** The prompt for `api`'s user: resolves with a proof, or undefined when they go back. */
export function createStepUpPrompt(api: TollgateClient): ProveIdentity {
  return (required, failure) =>
    new Promise<StepUpProof | undefined>((resolve) => {
      const fields = fieldsFor(required);
      const flow = showFlow(
        "step-up",
        t("stepUp.title"),
        fields,
        t("stepUp.submit"),
        (form) => {
          const code = form.value("code");
          const password = form.value("password");
          if (!code && !password) {
            form.fail(fields.length > 1 ? t("stepUp.enterPasswordOrCode") : t("stepUp.enterPassword"));
            return;
          }
          close();
          resolve(code ? { code } : { password });
        },
        t("stepUp.intro"),
        () => {
          view.profile.hidden = false;
          resolve(undefined);
        },
      );
      if (required.methods.includes("passkey")) {
        const usePasskey = document.createElement("button");
        usePasskey.type = "button";
        usePasskey.className = "secondary";
        usePasskey.textContent = t("stepUp.passkey");
        usePasskey.addEventListener("click", () => {
          passkeyStepUpProof(api).then(
            (proof) => {
              close();
              resolve(proof);
            },
            (error: unknown) => flow.fail(errorText(error)),
          );
        });
        flow.form.querySelector(".actions")?.prepend(usePasskey);
      }
      if (failure !== undefined) flow.fail(errorText(failure));
    });
}
