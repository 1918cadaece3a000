import { router } from "../../trpc.js";
import type { NoRoutes, SignInMethod } from "../method.js";
import { loginRoutes } from "./login.js";
import { manageRoutes } from "./manage.js";
import { mfaOptions, type PasskeyVerifyInput, passkeySecondFactor } from "./second-factor.js";
import { createPasskeyStore } from "./store.js";
import { passkeyMigrations, passkeyTables } from "./tables.js";

declare module "../method.js" {
  interface SecondFactorNames {
    passkey: true;
  }
  interface SecondFactorInputs {
    passkey: PasskeyVerifyInput;
  }
}

const passkeyRouter = router({ ...manageRoutes, ...loginRoutes, mfaOptions });

export type PasskeyMethod = SignInMethod<"passkey", { passkey: typeof passkeyRouter }, NoRoutes>;

/**
 * Passkeys (WebAuthn, through @simplewebauthn/server): registered while
 * signed in (auth.passkey.registerOptions / register, list, rename, remove),
 * a sign-in alone with user verification (auth.passkey.loginOptions / login,
 * discoverable, so no username is needed), and a second factor after a
 * password (auth.passkey.mfaOptions, then auth.mfa.verify({ passkey })).
 * Its tables: passkey_credentials and passkey_challenges.
 */
export function passkey(): PasskeyMethod {
  return {
    id: "passkey",
    auth: { passkey: passkeyRouter },
    secondFactor: passkeySecondFactor,
    migrations: passkeyMigrations,
    hooks: {
      // Outstanding prompts end with the sessions: a challenge handed out before never answers after.
      async onSignOutEverywhere({ database, now }, userId) {
        await createPasskeyStore(passkeyTables(database), now).dropAllChallenges(userId);
      },
      async purge({ database, now }, before) {
        return createPasskeyStore(passkeyTables(database), now).purge(before);
      },
    },
  };
}
