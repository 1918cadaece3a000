import type { AccountTokenStore } from "../stores/account-token-store.js";
import type { UserStore } from "../stores/user-store.js";
import type { UserCache } from "./user-cache.js";

async function forgetAfter<T>(cache: Pick<UserCache, "invalidate">, userId: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    cache.invalidate([userId]);
  }
}

/**
 * This instance's own writes forget the user at once: the database's
 * notice (migration 0013) reaches the feed a moment after the commit, and a
 * user.me right after updateProfile must not answer from before it.
 * Forgotten after the write settles (committed or failed), which also
 * discards any read that ran alongside it (the cache's generation).
 */
export function forgettingUserWrites(users: UserStore, cache: Pick<UserCache, "invalidate">): UserStore {
  const after = <T>(userId: string, write: Promise<T>) => forgetAfter(cache, userId, write);
  return {
    ...users,
    updateProfile: (id, change) => after(id, users.updateProfile(id, change)),
    attachEmail: (id, email) => after(id, users.attachEmail(id, email)),
    markEmailVerified: (id, email) => after(id, users.markEmailVerified(id, email)),
  };
}

/** The same for the tokens that make an address pending (user.me's pendingEmail). */
export function forgettingTokenWrites(
  tokens: AccountTokenStore,
  cache: Pick<UserCache, "invalidate">,
): AccountTokenStore {
  const after = <T>(userId: string, write: Promise<T>) => forgetAfter(cache, userId, write);
  return {
    ...tokens,
    issue: (userId, purpose, email) => after(userId, tokens.issue(userId, purpose, email)),
    issueUnlessRecent: (userId, purpose, email, withinMs) =>
      after(userId, tokens.issueUnlessRecent(userId, purpose, email, withinMs)),
    voidAll: (userId) => after(userId, tokens.voidAll(userId)),
    async consume(token, purpose) {
      const grant = await tokens.consume(token, purpose);
      if (grant) cache.invalidate([grant.userId]);
      return grant;
    },
  };
}
