import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ParsedConfig, ServerConfig } from "./config.js";
import { loadOrCreateSecret } from "./secret-file.js";

/** Where `pnpm build` puts apps/web's account page (the same from src/ and dist/). */
export const accountPageBuild = fileURLToPath(new URL("../../../apps/web/dist", import.meta.url));

function defaultWebRoot(): string | undefined {
  return existsSync(accountPageBuild) ? accountPageBuild : undefined;
}

/**
 * The start step: what parsing leaves to the disk. Without AUTH_SECRET a secret
 * is generated once into DATA_DIR (development); the account page is served
 * when apps/web has been built.
 */
export function prepareConfig(config: ParsedConfig): ServerConfig {
  return {
    ...config,
    authSecret: config.authSecret ?? loadOrCreateSecret(config.dataDir),
    webRoot: config.webRoot ?? defaultWebRoot(),
  };
}
