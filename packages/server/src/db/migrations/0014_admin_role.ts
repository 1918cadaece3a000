import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * users.is_admin: who may call admin.* (granted by `tollgate user:grant-admin`
 * or by creating the first account through the setup link). Not among the
 * columns the user cache holds: the admin gate reads it from the database on
 * every call, so a revoked role takes effect at once on every instance.
 */
export function adminRole(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("users")
        .addColumn("is_admin", types.boolean, (c) => c.notNull().defaultTo(false))
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("users").dropColumn("is_admin").execute();
    },
  };
}
