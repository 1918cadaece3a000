import { password } from "./password/index.js";
import { totp } from "./totp/index.js";

/** The methods a Tollgate serves unless told otherwise: password, and TOTP as second factor. */
export function defaultMethods() {
  return [password(), totp()] as const;
}
