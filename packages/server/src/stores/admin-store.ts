import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

/** A user as an administrator's list shows it. */
export interface AdminUserSummary {
  readonly id: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly isActive: boolean;
  readonly isAdmin: boolean;
  readonly createdAt: number;
}

export interface AdminUserPage {
  readonly users: readonly AdminUserSummary[];
  /** The last username of this page (lower case): pass it as `after` for the next; null at the end. */
  readonly nextCursor: string | null;
}

/**
 * The administrator's view of the users table: the role column, which only
 * this store reads or writes (never cached: a revoked role ends at once), and
 * a search by name or address, paged by username.
 */
export interface AdminStore {
  isAdmin(userId: string): Promise<boolean>;
  /** False when there is no such user. */
  setAdmin(userId: string, admin: boolean): Promise<boolean>;
  /** False when there is no such user. */
  setActive(userId: string, active: boolean): Promise<boolean>;
  /**
   * Writes an administrator's change to `targetId` (its role or active flag)
   * only while `actorId` is still an active administrator.
   * Both rows are locked in id order before the check, so two administrators
   * acting on each other at once run one after the other and the second finds
   * its own role gone: they cannot disable or demote each other both.
   */
  changeAs(actorId: string, targetId: string, change: AdminChange): Promise<AdminChangeOutcome>;
  summary(userId: string): Promise<AdminUserSummary | undefined>;
  /** Users whose username, address or name contains `query` (ignoring case), ordered by username. */
  search(query: string | undefined, after: string | undefined, limit: number): Promise<AdminUserPage>;
  /** Deletes the user and, through the foreign keys, their sessions, tokens and factors; false when absent. */
  delete(userId: string): Promise<boolean>;
}

export type AdminChange = { readonly is_admin: boolean } | { readonly is_active: boolean };
export type AdminChangeOutcome = "done" | "actor-not-admin" | "no-target";

/** `query` as a LIKE pattern that matches it literally anywhere (its % _ and \ escaped). */
function containsPattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const SUMMARY_COLUMNS = [
  "id",
  "username",
  "first_name",
  "last_name",
  "email",
  "email_verified",
  "is_active",
  "is_admin",
  "created_at",
] as const;

type SummaryRow = {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string | null;
  email_verified: boolean | number;
  is_active: boolean | number;
  is_admin: boolean | number;
  created_at: Date | string;
};

function toSummary(row: SummaryRow): AdminUserSummary {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    emailVerified: Boolean(row.email_verified),
    isActive: Boolean(row.is_active),
    isAdmin: Boolean(row.is_admin),
    createdAt: new Date(row.created_at).getTime(),
  };
}

export function createAdminStore(db: Kysely<Database>): AdminStore {
  const update = async (userId: string, set: { is_admin?: boolean; is_active?: boolean }) => {
    const result = await db
      .updateTable("users")
      .set({ ...set, updated_at: new Date() })
      .where("id", "=", userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  };
  return {
    async isAdmin(userId) {
      const row = await db
        .selectFrom("users")
        .select(["is_admin", "is_active"])
        .where("id", "=", userId)
        .executeTakeFirst();
      return row !== undefined && Boolean(row.is_admin) && Boolean(row.is_active);
    },
    setAdmin: (userId, admin) => update(userId, { is_admin: admin }),
    setActive: (userId, active) => update(userId, { is_active: active }),
    changeAs(actorId, targetId, change) {
      return db.transaction().execute(async (trx) => {
        // A no-op write takes the row lock (PostgreSQL; SQLite runs one write transaction at a time). In id
        // order, so two administrators acting on each other wait instead of deadlocking; a row that changed
        // while waited for is read again, so the actor's condition sees the other's committed change.
        for (const id of [actorId, targetId].sort()) {
          let lock = trx.updateTable("users").set({ updated_at: sql`updated_at` }).where("id", "=", id);
          if (id === actorId) lock = lock.where("is_admin", "=", true).where("is_active", "=", true);
          const locked = (await lock.executeTakeFirst()).numUpdatedRows > 0n;
          if (!locked) return id === actorId ? "actor-not-admin" : "no-target";
        }
        await trx
          .updateTable("users")
          .set({ ...change, updated_at: new Date() })
          .where("id", "=", targetId)
          .execute();
        return "done";
      });
    },
    async summary(userId) {
      const row = await db.selectFrom("users").select(SUMMARY_COLUMNS).where("id", "=", userId).executeTakeFirst();
      return row && toSummary(row);
    },
    async search(query, after, limit) {
      let select = db
        .selectFrom("users")
        .select(SUMMARY_COLUMNS)
        .orderBy(sql`lower(username)`)
        .limit(limit + 1);
      if (query) {
        const pattern = containsPattern(query);
        select = select.where((eb) =>
          eb.or(
            ["username", "email", "first_name", "last_name"].map((column) =>
              eb(sql<string>`lower(${sql.ref(column)})`, "like", sql<string>`${pattern} escape '\\'`),
            ),
          ),
        );
      }
      if (after !== undefined) select = select.where(sql<string>`lower(username)`, ">", after);
      const rows = await select.execute();
      const page = rows.slice(0, limit).map(toSummary);
      return {
        users: page,
        nextCursor: rows.length > limit ? (page.at(-1)?.username.toLowerCase() ?? null) : null,
      };
    },
    async delete(userId) {
      const result = await db.deleteFrom("users").where("id", "=", userId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
