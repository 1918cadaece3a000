/**
 * "Email me a code": sign-in with a code by mail (when the server has it on,
 * meta.info names "emailCode"). The address first, then the six digits from
 * the mail; the mail's link (/sign-in-link?token=…) signs in too. A second
 * factor on the account is still asked, as after a password.
 */
import { needsSecondFactor, type TollgateClient } from "@tollgate/client-sdk";
import { showFlow } from "./account-flows.js";
import { errorText } from "./errors.js";
import { t } from "./i18n.js";
import { showNotice, showSignedOut } from "./view.js";

type SignInResult = Awaited<ReturnType<TollgateClient["auth"]["emailCode"]["verify"]["mutate"]>>;
type SignedInUser = Exclude<SignInResult, { mfaRequired: true }>["user"];

export interface EmailCodeSignIn {
  /** Shows the address form. */
  start(): void;
  /** Signs in with a mailed link's token. */
  followLink(token: string): void;
}

export function createEmailCodeSignIn(
  api: TollgateClient,
  done: { signedIn(user: SignedInUser): Promise<void>; askSecondFactor(methods: readonly string[]): void },
): EmailCodeSignIn {
  async function finish(result: SignInResult): Promise<void> {
    if (needsSecondFactor(result)) {
      done.askSecondFactor(result.methods);
      return;
    }
    showNotice(undefined);
    await done.signedIn(result.user);
  }

  function askCode(email: string): void {
    showFlow(
      "email-code-verify",
      t("emailCode.codeTitle"),
      [{ name: "code", label: t("emailCode.code"), autocomplete: "one-time-code" }],
      t("emailCode.codeSubmit"),
      (flow) => {
        api.auth.emailCode.verify
          .mutate({ email, code: flow.value("code").trim() })
          .then(finish)
          .catch((error: unknown) => flow.fail(errorText(error)));
      },
      t("emailCode.codeIntro", { email }),
    );
  }

  return {
    start() {
      showNotice(undefined);
      showFlow(
        "email-code",
        t("emailCode.title"),
        [{ name: "email", label: t("flow.emailAddress"), type: "email", autocomplete: "email" }],
        t("emailCode.submit"),
        (flow) => {
          const email = flow.value("email").trim();
          api.auth.emailCode.request
            .mutate({ email })
            .then(() => askCode(email))
            .catch((error: unknown) => flow.fail(errorText(error)));
        },
      );
    },
    followLink(token) {
      api.auth.emailCode.verify
        .mutate({ token })
        .then(finish)
        .catch((error: unknown) => {
          showSignedOut();
          showNotice(errorText(error));
        });
    },
  };
}
