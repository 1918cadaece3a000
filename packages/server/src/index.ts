export { type App, type AppOptions, createApp } from "./app.js";
export { ConfigError, parseConfig, type ServerConfig } from "./config.js";
export type { Context } from "./context.js";
export { requireActiveUser } from "./core/active-user.js";
export { completeSignIn, type MfaRequired, type SignInOutcome } from "./core/complete-sign-in.js";
export {
  PASSWORD_PROOF,
  type PublicUser,
  type SignedIn,
  type SignInProof,
  startSession,
} from "./core/session-start.js";
export { type LimitedCheckOptions, limitedCheck } from "./core/sign-in-limit.js";
export {
  requireRecentProof,
  type StepUpMethodName,
  type StepUpRequired,
  type StepUpRequirement,
} from "./core/step-up.js";
export { type DatabaseHandle, openDatabase } from "./db/client.js";
export { DataDirLockedError } from "./db/data-dir-lock.js";
export {
  EMBEDDED_DATABASE_MIN_NODE,
  EmbeddedDatabaseNodeError,
  embeddedDatabaseNodeProblem,
} from "./db/embedded-database-node.js";
export { PreviousVersionDataError } from "./db/previous-version.js";
export { type LoadConfigOptions, loadConfig } from "./env.js";
export {
  type AdminAction,
  EVENT_TYPES,
  type TollgateEvent,
  type TollgateEventData,
  type TollgateEventType,
} from "./events/types.js";
export { announceFirstRunSetup } from "./first-run.js";
export type { FetchHandler, FetchHandlerCallOptions } from "./http/fetch-adapter.js";
export type { NodeHandler } from "./http/node-adapter.js";
export { defaultMethods } from "./methods/defaults.js";
export { type DjangoCompatMethod, djangoCompat } from "./methods/django-compat/index.js";
export { type EmailCodeMethod, emailCode } from "./methods/email-code/index.js";
export type {
  AnySignInMethod,
  AuthenticationMethodReference,
  MethodHookServices,
  MethodHooks,
  MethodHttpRequest,
  MethodHttpRoutes,
  NoRoutes,
  Routes,
  SecondFactor,
  SecondFactorInput,
  SecondFactorInputs,
  SecondFactorName,
  SecondFactorNames,
  SecondFactorProof,
  SignInMethod,
} from "./methods/method.js";
export { type OidcMethod, oidc } from "./methods/oidc/index.js";
export { type PasskeyMethod, passkey } from "./methods/passkey/index.js";
export type {
  CreationOptions as PasskeyCreationOptions,
  RequestOptions as PasskeyRequestOptions,
} from "./methods/passkey/options-json.js";
export type { PasskeyVerifyInput } from "./methods/passkey/second-factor.js";
export { type PasswordMethod, password } from "./methods/password/index.js";
export type { Enrolment } from "./methods/totp/codes.js";
export { type TotpMethod, totp } from "./methods/totp/index.js";
export { nodeVersionProblem } from "./node-version.js";
export type { OidcProviderSettings } from "./oidc-config.js";
export type { AppRouter } from "./routers/index.js";
export {
  appRouter,
  appRouter as tollgateRouter,
  createTollgateRouter,
  type TollgateRouter,
} from "./routers/index.js";
export { stepUpProcedure } from "./step-up-procedure.js";
export type { AdminUserPage, AdminUserSummary } from "./stores/admin-store.js";
export { createTollgate, type FetchContextOptions, type Tollgate, type TollgateOptions } from "./tollgate.js";
export {
  authedProcedure,
  credentialProcedure,
  mergeRouters,
  type ProcedureMeta,
  protectedMutation,
  publicProcedure,
  router,
  type Session,
} from "./trpc.js";
export { userProcedure } from "./user-procedure.js";
