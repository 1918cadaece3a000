import { emailCode } from "./email-code/index.js";
import { oidc } from "./oidc/index.js";
import { passkey } from "./passkey/index.js";
import { password } from "./password/index.js";
import { totp } from "./totp/index.js";

/**
 * The methods a Tollgate serves unless told otherwise: password, TOTP as
 * second factor, passkeys, codes by mail (answering only with
 * EMAIL_CODE_SIGN_IN=on) and other providers (OIDC_PROVIDERS).
 */
export function defaultMethods() {
  return [password(), totp(), passkey(), emailCode(), oidc()] as const;
}
