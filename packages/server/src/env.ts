import { type CliConfig, type Environment, parseCliConfig, parseConfig, type ServerConfig } from "./config.js";
import { prepareConfig } from "./start-config.js";

/** The only reader of process.env: the server's configuration, validated, with its start-time files resolved. */
export function loadConfig(env: Environment = process.env): ServerConfig {
  return prepareConfig(parseConfig(env));
}

/** The CLI's configuration: the same variables as the server's. */
export function loadCliConfig(env: Environment = process.env): CliConfig {
  return parseCliConfig(env);
}
