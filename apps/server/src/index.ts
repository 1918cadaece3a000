export { type App, type AppOptions, createApp } from "./app.js";
export { ConfigError, parseConfig, type ServerConfig } from "./config.js";
export { type DatabaseHandle, openDatabase } from "./db/client.js";
export { loadConfig } from "./env.js";
export type { PublicUser, SignedIn } from "./procedures/session-issuer.js";
export type { AppRouter } from "./routers/index.js";
export { appRouter } from "./routers/index.js";
export { authedProcedure, mergeRouters, publicProcedure, router } from "./trpc.js";
