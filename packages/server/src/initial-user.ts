import type { Services } from "./services.js";
import { UsernameTakenError } from "./stores/user-store.js";

/**
 * INITIAL_USERNAME / INITIAL_PASSWORD: a user created at start if missing (an
 * administrator, as the setup link's account); an existing one is left as it is.
 */
export async function ensureInitialUser(
  services: Pick<Services, "config" | "users" | "auth" | "logger">,
): Promise<void> {
  const { initialUsername, initialPassword } = services.config;
  if (!initialUsername || !initialPassword) return;
  if (await services.users.findByUsername(initialUsername)) return;
  try {
    const passwordHash = await services.auth.passwords.hash(initialPassword);
    await services.users.create({ username: initialUsername, passwordHash, isAdmin: true });
    services.logger.info({ username: initialUsername }, "initial user created");
  } catch (error) {
    if (!(error instanceof UsernameTakenError)) throw error;
    // Another instance created it at the same moment, or it looks like another user's name (same skeleton).
    if (!(await services.users.findByUsername(initialUsername))) {
      services.logger.warn(
        { username: initialUsername },
        "initial user not created: the name looks like an existing user's",
      );
    }
  }
}
