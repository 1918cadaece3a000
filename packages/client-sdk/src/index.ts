export type { CookieJarLike, FetchLike } from "./cookie-jar.js";
export {
  createTollgateClient,
  type TollgateClient,
  type TollgateClientOptions,
  type TollgateRouter,
  tollgateLinks,
} from "./create-client.js";
export { CSRF_COOKIE_NAMES, csrfFromCookieString } from "./csrf.js";
export { TOLLGATE_ERROR_CODES, type TollgateErrorCode } from "./error-codes.js";
export { authCodeOf, isUnauthorized } from "./errors.js";
export type { RefreshTimers, SessionEndReason } from "./refresher.js";
export {
  type MfaRequired,
  needsSecondFactor,
  type Profile,
  type PublicUser,
  type SignedIn,
  type SignInResult,
} from "./router-types.js";
export {
  isStepUpRequired,
  type ProveIdentity,
  type StepUpClient,
  type StepUpProof,
  type StepUpRequired,
  stepUpRequiredOf,
  withStepUp,
} from "./step-up.js";
