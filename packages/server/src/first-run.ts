import type { ServerConfig } from "./config.js";
import type { Services } from "./services.js";
import { createSetupTokenStore } from "./stores/setup-token-store.js";

/**
 * Where the server is reached before it listens: PUBLIC_ORIGIN, else HOST and
 * PORT (an address on every interface is reached on loopback).
 */
export function configuredOrigin(config: Pick<ServerConfig, "publicOrigin" | "host" | "port">): string {
  if (config.publicOrigin) return config.publicOrigin;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

/**
 * First run: while no user exists, the start log prints a one-time setup link
 * (single use, one hour) where the account page creates the first account.
 * Returns the link, or undefined when a user exists.
 */
export async function announceFirstRunSetup(
  services: Pick<Services, "config" | "database" | "users" | "logger" | "now">,
  url: string,
): Promise<string | undefined> {
  if (await services.users.any()) return undefined;
  const token = await createSetupTokenStore(services.database.db, services.now).issue();
  const link = `${services.config.publicOrigin ?? url}/setup?token=${token}`;
  services.logger.info(
    { setup: true },
    `No user yet: create the first account at ${link} (works once, for one hour; restart for a new link)`,
  );
  return link;
}

/**
 * What createTollgate logs at start in a host app while no user exists: the
 * setup link when the account page is served (config.webRoot) to open it on, else
 * the CLI command that creates the first account.
 */
export async function announceSetupAtStart(
  services: Pick<Services, "config" | "database" | "users" | "logger" | "now">,
): Promise<void> {
  if (services.config.webRoot) {
    await announceFirstRunSetup(services, configuredOrigin(services.config));
  } else if (!(await services.users.any())) {
    services.logger.info(
      { setup: true },
      "No user yet: create the first account with `npx tollgate user:create --username NAME --password-stdin` (or serve the account page, config.webRoot, for a one-time setup link)",
    );
  }
}
