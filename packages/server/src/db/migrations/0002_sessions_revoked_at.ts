import type { Kysely, Migration } from "kysely";

/**
 * An index on sessions.revoked_at for the set of ended sessions: every
 * instance reloads the revocations of the last access-token lifetime on start
 * and on every reconnect of its revocation channel, and a server on the
 * embedded database polls for the CLI's revocations every half second.
 *
 * Partial (`WHERE revoked_at IS NOT NULL`): live sessions are not in it, and
 * both PostgreSQL and SQLite use it for `revoked_at > ?` (which implies the
 * condition). The same DDL on both: no dialect type is involved. On
 * PostgreSQL it is built inside the migration's transaction (not
 * CONCURRENTLY), holding off writes to sessions while it is built; on a
 * sessions table of millions of rows that is seconds, once.
 */
export function sessionsRevokedAt(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex("sessions_revoked_at_idx")
        .ifNotExists()
        .on("sessions")
        .column("revoked_at")
        .where("revoked_at", "is not", null)
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex("sessions_revoked_at_idx").ifExists().execute();
    },
  };
}
