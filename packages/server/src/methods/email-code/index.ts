import { router } from "../../trpc.js";
import type { MethodHookServices, NoRoutes, SignInMethod } from "../method.js";
import { request } from "./request.js";
import { createEmailCodeStore } from "./store.js";
import { emailCodeMigrations, emailCodeTables } from "./tables.js";
import { verify } from "./verify.js";

const emailCodeRouter = router({ request, verify });

export type EmailCodeMethod = SignInMethod<"emailCode", { emailCode: typeof emailCodeRouter }, NoRoutes>;

/**
 * Sign-in with a code by mail (auth.emailCode.request, then verify with the
 * six digits or the mailed link), served only with EMAIL_CODE_SIGN_IN=on.
 * One factor: a second factor on the account is still asked. Its table:
 * email_code_grants.
 */
export function emailCode(): EmailCodeMethod {
  // Hooks only void and purge rows: no code is compared, so no key is needed.
  const storeOf = (services: MethodHookServices) =>
    createEmailCodeStore(emailCodeTables(services.database), [], services.now);
  return {
    id: "emailCode",
    auth: { emailCode: emailCodeRouter },
    migrations: emailCodeMigrations,
    available: (config) => config.emailCodeSignIn,
    hooks: {
      // A code mailed before a password change or a sign-out everywhere no longer signs in.
      async onPasswordChanged(services, userId) {
        await storeOf(services).voidAll(userId);
      },
      async onSignOutEverywhere(services, userId) {
        await storeOf(services).voidAll(userId);
      },
      async purge(services, before) {
        return storeOf(services).purge(before);
      },
    },
  };
}
