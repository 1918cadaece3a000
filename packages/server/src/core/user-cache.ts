import { type AccountTokenStore, pendingAddress, type VerificationOffer } from "../stores/account-token-store.js";
import type { User, UserStore } from "../stores/user-store.js";
import { LruMap } from "./lru-map.js";

/** What user.me and userProcedure need of a user, without a database read while the cache holds it. */
export interface CachedUser {
  /** No password hash: nothing that checks a credential reads this cache. */
  readonly user: User;
  /** The live verification token's address and expiry, judged against the clock at each read. */
  readonly offer: VerificationOffer | undefined;
}

/** ~300 bytes an entry: 10,000 signed-in users in a few MB. */
export const DEFAULT_USER_CACHE_SIZE = 10_000;

export interface UserCacheOptions {
  readonly users: Pick<UserStore, "findById">;
  readonly tokens: Pick<AccountTokenStore, "verificationOffer">;
  /**
   * Whether every change to a user reaches this instance (its change feed is
   * live). While not, every read goes to the database and nothing is kept.
   */
  readonly isLive: () => boolean;
  readonly capacity?: number;
}

export interface UserCache {
  /** The user (active or not) and their pending address; undefined: no such user. */
  get(userId: string): Promise<CachedUser | undefined>;
  /** Forgets these users (a change from this instance, another one, the CLI or SQL). */
  invalidate(userIds: Iterable<string>): void;
  /** Forgets everyone (the change feed (re)connected: changes may have been missed). */
  clear(): void;
  readonly size: number;
}

/** The address user.me shows as waiting for its link, or null. */
export function pendingEmailOf(entry: CachedUser, now: number): string | null {
  return pendingAddress(entry.offer, entry.user.email, now);
}

/**
 * Users by id, bounded (least recently used dropped), filled on a miss and
 * emptied by the change feed (see revocations/: the same connection or poll
 * that carries revocations, so a change reaches every instance within the
 * same second) and by this instance's own writes at once.
 *
 * A read that started before a change and ends after it must not put the old
 * row back: every invalidation moves a generation, and a read keeps its
 * result only if no invalidation happened while it ran. The database sends
 * the change after its commit, and a read started after that commit sees it.
 */
export function createUserCache(options: UserCacheOptions): UserCache {
  const { users, tokens, isLive } = options;
  const entries = new LruMap<string, CachedUser>(options.capacity ?? DEFAULT_USER_CACHE_SIZE);
  let generation = 0;

  async function load(userId: string): Promise<CachedUser | undefined> {
    const [found, offer] = await Promise.all([users.findById(userId), tokens.verificationOffer(userId)]);
    if (!found) return undefined;
    const { passwordHash: _hash, ...user } = found;
    return { user, offer };
  }

  return {
    async get(userId) {
      if (!isLive()) {
        entries.clear();
        return load(userId);
      }
      const hit = entries.get(userId);
      if (hit) return hit;
      const started = generation;
      const loaded = await load(userId);
      if (loaded && started === generation && isLive()) entries.set(userId, loaded);
      return loaded;
    },
    invalidate(userIds) {
      generation++;
      for (const id of userIds) entries.delete(id);
    },
    clear() {
      generation++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
