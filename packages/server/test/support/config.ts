import { randomBytes } from "node:crypto";
import { parseConfig, type ServerConfig } from "../../src/config.js";

/** The contract's defaults (parsed from an empty environment), a random secret, quiet logs, and `overrides`. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...parseConfig({ DATA_DIR: "memory://", LOG_LEVEL: "silent" }),
    authSecret: randomBytes(32).toString("base64url"),
    ...overrides,
  };
}
