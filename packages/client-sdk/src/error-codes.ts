/**
 * The reasons the server sends as `data.authCode` on an error: the auth core's
 * own list (a dependency-free module, so browsers get sixteen strings and
 * nothing else of it).
 */
export {
  AUTH_ERROR_CODES as TOLLGATE_ERROR_CODES,
  type AuthErrorCode as TollgateErrorCode,
} from "@tollgate/auth/protocol";
