import type { NoRoutes, SignInMethod } from "../method.js";
import { totpMfaRoutes } from "./routes.js";
import { type TotpVerifyInput, totpSecondFactor } from "./second-factor.js";
import { createTotpStore } from "./totp-store.js";

declare module "../method.js" {
  interface SecondFactorNames {
    totp: true;
    recovery_code: true;
  }
  interface SecondFactorInputs {
    totp: TotpVerifyInput;
  }
}

export type TotpMethod = SignInMethod<"totp", NoRoutes, typeof totpMfaRoutes>;

/**
 * Codes from an authenticator app (RFC 6238) as a second factor, with ten
 * single-use recovery codes: enrolment and management at `auth.mfa.totp.*`,
 * `auth.mfa.recoveryCodes.regenerate`, `auth.mfa.status` and
 * `auth.mfa.unlock`; checked by auth.mfa.verify. Ten consecutive wrong codes
 * lock the factor (lockout.ts). Its tables (user_totp, recovery_codes) came
 * with the core's migrations 0007, 0008 and 0011, before methods had their own.
 */
export function totp(): TotpMethod {
  return {
    id: "totp",
    mfa: totpMfaRoutes,
    secondFactor: totpSecondFactor,
    hooks: {
      // Removing the factor also ends its pending sign-ins and clears a lock (failed codes go with the row).
      resetSecondFactor: ({ database }, userId) => createTotpStore(database.db).removeTotp(userId),
      clearLockout: ({ database }, userId) => createTotpStore(database.db).clearFailedCodes(userId),
    },
  };
}
