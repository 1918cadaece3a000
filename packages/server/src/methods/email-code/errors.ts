import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";

/** Sign-in by a mailed code is off unless EMAIL_CODE_SIGN_IN=on: its procedures then answer this. */
export function requireEmailCodeOn(ctx: Context): void {
  if (!ctx.services.config.emailCodeSignIn) {
    throw new AuthError("EMAIL_CODE_DISABLED", "Sign-in with a code by mail is off on this server");
  }
}

export const emailCodeInvalid = () =>
  new AuthError("EMAIL_CODE_INVALID", "The code or link is wrong, expired or already used: ask for a new one");
