import { djangoCompat } from "./django-compat/index.js";
import { emailCode } from "./email-code/index.js";
import { oidc } from "./oidc/index.js";
import { passkey } from "./passkey/index.js";
import { password } from "./password/index.js";
import { totp } from "./totp/index.js";

/**
 * The methods a Tollgate serves unless told otherwise: password, TOTP as
 * second factor, passkeys, codes by mail (answering only with
 * EMAIL_CODE_SIGN_IN=on), other providers (OIDC_PROVIDERS) and the Django
 * REST surface (answering only with DJANGO_COMPAT=on).
 */
export function defaultMethods() {
  return [password(), totp(), passkey(), emailCode(), oidc(), djangoCompat()] as const;
}
