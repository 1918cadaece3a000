import type { Services } from "./services.js";
import { createSetupTokenStore } from "./stores/setup-token-store.js";

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
