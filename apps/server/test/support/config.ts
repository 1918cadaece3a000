import { randomBytes } from "node:crypto";
import type { ServerConfig } from "../../src/config.js";

/** A complete configuration with the contract's defaults and a random secret. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    databaseUrl: undefined,
    dataDir: "memory://",
    authSecret: randomBytes(32).toString("base64url"),
    authSecretPrevious: [],
    publicOrigin: undefined,
    accessTokenTtl: 900,
    refreshTokenTtl: 2_592_000,
    sessionIdleTimeout: 604_800,
    refreshReuseGrace: 10,
    cookieSecure: false,
    cookieDomain: undefined,
    cookieSameSite: "lax",
    corsOrigins: [],
    initialUsername: undefined,
    initialPassword: undefined,
    loginMaxFailures: 5,
    loginWindow: 900,
    redisUrl: undefined,
    trustProxy: false,
    logLevel: "silent",
    webRoot: undefined,
    ...overrides,
  };
}
