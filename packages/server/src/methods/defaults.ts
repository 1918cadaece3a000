import { emailCode } from "./email-code/index.js";
import { passkey } from "./passkey/index.js";
import { password } from "./password/index.js";
import { totp } from "./totp/index.js";

/**
 * The methods a Tollgate serves unless told otherwise: password, TOTP as
 * second factor, passkeys, and codes by mail (answering only with
 * EMAIL_CODE_SIGN_IN=on).
 */
export function defaultMethods() {
  return [password(), totp(), passkey(), emailCode()] as const;
}
