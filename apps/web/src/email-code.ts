/**
 * "Email me a code": sign-in with a code by mail (when the server has it on,
 * meta.info names "emailCode"). The address first, then the six digits from
 * the mail; the mail's link (/sign-in-link?token=…) signs in too. A second
 * factor on the account is still asked, as after a password.
 */
import { needsSecondFactor, type TollgateClient } from "@tollgate/client-sdk";
import { showFlow } from "./account-flows.js";
import { showNotice, showSignedOut } from "./view.js";

type SignInResult = Awaited<ReturnType<TollgateClient["auth"]["emailCode"]["verify"]["mutate"]>>;
type SignedInUser = Exclude<SignInResult, { mfaRequired: true }>["user"];

export interface EmailCodeSignIn {
  /** Shows the address form. */
  start(): void;
  /** Signs in with a mailed link's token. */
  followLink(token: string): void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : "Something went wrong");

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
      "Enter the code from the mail",
      [{ name: "code", label: "Six-digit code", autocomplete: "one-time-code" }],
      "Confirm code",
      (flow) => {
        api.auth.emailCode.verify
          .mutate({ email, code: flow.value("code").trim() })
          .then(finish)
          .catch((error: unknown) => flow.fail(errorText(error)));
      },
      `If an account has the address ${email}, a code is on its way; it works for 10 minutes. The mail's link signs in too.`,
    );
  }

  return {
    start() {
      showNotice(undefined);
      showFlow(
        "email-code",
        "Email me a code",
        [{ name: "email", label: "Email address", type: "email", autocomplete: "email" }],
        "Send code",
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
