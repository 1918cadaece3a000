export { type App, type AppOptions, createApp } from "./app.js";
export { ConfigError, parseConfig, type ServerConfig } from "./config.js";
export type { Context } from "./context.js";
export { type DatabaseHandle, openDatabase } from "./db/client.js";
export { DataDirLockedError } from "./db/data-dir-lock.js";
export { PreviousVersionDataError } from "./db/previous-version.js";
export { loadConfig } from "./env.js";
export type { FetchHandler, FetchHandlerCallOptions } from "./fetch-handler.js";
export { announceFirstRunSetup } from "./first-run.js";
export { nodeVersionProblem } from "./node-version.js";
export type { PublicUser, SignedIn } from "./procedures/session-issuer.js";
export { type LimitedCheckOptions, limitedCheck } from "./procedures/sign-in-limit.js";
export type { Enrolment } from "./procedures/totp.js";
export type { AppRouter } from "./routers/index.js";
export { appRouter, appRouter as tollgateRouter } from "./routers/index.js";
export type { AuthMethod } from "./stores/mfa-store.js";
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
