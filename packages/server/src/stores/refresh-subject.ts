import type { StoredSession } from "@tollgate/auth";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { toSession } from "./session-store.js";
import type { User } from "./user-store.js";

/** A refresh token's session and its user (undefined: the user row is gone), read together. */
export interface RefreshSubject {
  readonly session: StoredSession;
  readonly user: User | undefined;
}

/**
 * auth.refresh's first read: the session a refresh token names and its user
 * in one query (a join), where it used to be two in a row. Then the CSRF
 * check, then the rotation's compare-and-swap: two round trips in all. The
 * CSRF token is bound to the session id, which only this read reveals, and it
 * must be checked before anything changes, so the rotation cannot join them.
 */
export function createRefreshSubjects(
  db: Kysely<Database>,
): (lookupHash: string) => Promise<RefreshSubject | undefined> {
  return async (lookupHash) => {
    const row = await db
      .selectFrom("sessions")
      .leftJoin("users", "users.id", "sessions.user_id")
      .selectAll("sessions")
      .select([
        "users.id as user_row_id",
        "users.username as user_username",
        "users.first_name as user_first_name",
        "users.last_name as user_last_name",
        "users.email as user_email",
        "users.email_verified as user_email_verified",
        "users.is_active as user_is_active",
      ])
      .where("sessions.lookup_hash", "=", lookupHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const {
      user_row_id,
      user_username,
      user_first_name,
      user_last_name,
      user_email,
      user_email_verified,
      user_is_active,
      ...session
    } = row;
    const user: User | undefined =
      user_row_id === null || user_username === null
        ? undefined
        : {
            id: user_row_id,
            username: user_username,
            firstName: user_first_name ?? "",
            lastName: user_last_name ?? "",
            email: user_email,
            emailVerified: Boolean(user_email_verified),
            isActive: Boolean(user_is_active),
          };
    return { session: toSession(session), user };
  };
}
