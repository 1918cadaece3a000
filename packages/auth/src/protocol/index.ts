/**
 * `@tollgate/auth/protocol`: what the server and its clients must agree on,
 * as plain data and dependency-free code (browsers bundle it): error codes,
 * cookie names and the Cookie-header parser, the batch limit, which
 * procedures check credentials. The client SDK takes these from here and
 * never copies them.
 */
export { AUTH_ERROR_CODES, type AuthErrorCode } from "../error-codes.js";
export {
  type Amr,
  ASSURANCE_LEVELS,
  type AssuranceLevel,
  AUTHENTICATION_METHOD_REFERENCES,
  assuranceLevelOf,
  combineAmr,
  isAmr,
  isAssuranceLevel,
  meetsLevel,
} from "./assurance.js";
export { COOKIE_NAME, COOKIE_VALUE, parseCookieHeader } from "./cookie-header.js";
export { COOKIE_BASE_NAMES, CSRF_COOKIE_NAMES, CSRF_HEADER } from "./cookie-names.js";
export { CREDENTIAL_PROCEDURES, MAX_BATCH_SIZE, REFRESH_PROCEDURE, SIGN_OUT_PROCEDURES } from "./procedures.js";
