import {
  type CliConfig,
  ConfigError,
  type Environment,
  parseCliConfig,
  parseConfig,
  type ServerConfig,
} from "./config.js";
import { prepareConfig } from "./start-config.js";

export interface LoadConfigOptions {
  /**
   * Bad configuration: `"exit"` (the default, for a process that is starting)
   * prints the one-line message naming the variable to stderr and exits with
   * status 1; `"throw"` throws the ConfigError for the caller to handle.
   */
  readonly onError?: "exit" | "throw";
}

/** The only reader of process.env: the server's configuration, validated, with its start-time files resolved. */
export function loadConfig(env: Environment = process.env, options: LoadConfigOptions = {}): ServerConfig {
  try {
    return prepareConfig(parseConfig(env));
  } catch (error) {
    if (error instanceof ConfigError && options.onError !== "throw") {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The CLI's configuration: the same variables as the server's. */
export function loadCliConfig(env: Environment = process.env): CliConfig {
  return parseCliConfig(env);
}

/** The environment as this process sees it (after a .env was loaded): what `tollgate doctor` checks. */
export function currentEnvironment(): Environment {
  return { ...process.env };
}
