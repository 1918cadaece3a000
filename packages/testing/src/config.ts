import { randomBytes } from "node:crypto";
import { parseConfig, type ServerConfig } from "@tollgate/server";

/**
 * Tollgate's configuration as an empty environment gives it (the documented
 * defaults), with nothing kept on disk (`DATA_DIR=memory://`), quiet logs, a
 * fresh random AUTH_SECRET, and then `overrides`.
 */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...parseConfig({ DATA_DIR: "memory://", LOG_LEVEL: "silent" }),
    authSecret: randomBytes(32).toString("base64url"),
    ...overrides,
  };
}
