import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

export { USER_CHANGES_CHANNEL } from "../db/migrations/0013_user_changes.js";

/** Where the feed delivers changed users (core/user-cache.ts). */
export interface UserChangeSink {
  invalidate(userIds: Iterable<string>): void;
  /** Changes may have been missed (first connection, reconnect, a failed poll): forget everyone. */
  clear(): void;
}

/** Rows every poller has long read (they poll twice a second) are deleted after this, by SQLite's clock. */
const KEEP_SQL = "-5 minutes";

/**
 * The embedded database's side (migration 0013): triggers append changed
 * user ids to `user_changes` in commit order; a poller remembers the last
 * `seq` it read.
 */
export interface UserChangesReader {
  /** The newest seq now (0 when empty): a fresh start reads from here after clearing its cache. */
  latest(): Promise<number>;
  /** Ids changed after `seq`, and the seq to read from next time. */
  since(seq: number): Promise<{ userIds: string[]; seq: number }>;
  /** Deletes rows older than every poller's reach. */
  purge(): Promise<void>;
}

export function createUserChangesReader(db: Kysely<Database>): UserChangesReader {
  return {
    async latest() {
      const row = await db
        .selectFrom("user_changes")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    },
    async since(seq) {
      const rows = await db
        .selectFrom("user_changes")
        .select(["seq", "user_id"])
        .where("seq", ">", seq)
        .orderBy("seq")
        .execute();
      const last = rows.at(-1);
      return { userIds: rows.map((row) => row.user_id), seq: last ? Number(last.seq) : seq };
    },
    async purge() {
      await db
        .deleteFrom("user_changes")
        .where("changed_at", "<", sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${KEEP_SQL})`)
        .execute();
    },
  };
}
