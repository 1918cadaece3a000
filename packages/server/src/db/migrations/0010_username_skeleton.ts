import { usernameLookupForm, usernameSkeleton } from "@tollgate/auth";
import { type Kysely, type Migration, sql } from "kysely";

/**
 * users.username_skeleton: the UTS #39 skeleton of the username (see
 * usernameSkeleton in @tollgate/auth), unique, so two usernames that look
 * alike ("zoe" and "zоe" with a Cyrillic о) cannot both exist, however
 * their sign-ups interleave.
 *
 * Existing rows are backfilled here, in JS (the skeleton is not SQL). Rows
 * stored before usernames were normalized are keyed by their NFKC, trimmed
 * form. Where existing rows already collide, the oldest (created_at, then
 * id) keeps the skeleton and the others are left NULL, so the migration
 * never fails on old data: those accounts go on signing in, and new
 * look-alikes of any of them are still refused through the oldest's key.
 * NULLs repeat freely in a unique index on PostgreSQL and SQLite.
 */
export function usernameSkeletonColumn(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("users").addColumn("username_skeleton", "text").execute();
      const { rows } = await sql<{ id: string; username: string }>`
        SELECT id, username FROM users ORDER BY created_at, id`.execute(db);
      const taken = new Set<string>();
      for (const { id, username } of rows) {
        const skeleton = usernameSkeleton(usernameLookupForm(username));
        if (taken.has(skeleton)) continue;
        taken.add(skeleton);
        await sql`UPDATE users SET username_skeleton = ${skeleton} WHERE id = ${id}`.execute(db);
      }
      await sql`CREATE UNIQUE INDEX users_username_skeleton_idx ON users (username_skeleton)`.execute(db);
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await sql`DROP INDEX users_username_skeleton_idx`.execute(db);
      await db.schema.alterTable("users").dropColumn("username_skeleton").execute();
    },
  };
}
