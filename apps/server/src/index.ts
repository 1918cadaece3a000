export { type App, type AppOptions, createApp } from "./app.js";
export type { ServerConfig } from "./config.js";
export { type DatabaseHandle, openDatabase } from "./db/client.js";
export { ConfigError, loadConfig } from "./env.js";
export type { AppRouter } from "./routers/index.js";
export { appRouter } from "./routers/index.js";
export type { PublicUser, SignedIn } from "./routers/session-issuer.js";
export { authedProcedure, mergeRouters, publicProcedure, router } from "./trpc.js";
