import type { Kysely, Migration } from "kysely";
import { dialectTypes, type SqlDialect } from "./dialect-types.js";

/**
 * Asymmetric access-token signing keys shared by the instances of one
 * deployment (ACCESS_TOKEN_ALG=EdDSA or ES256 with DATABASE_URL). The private
 * key is stored encrypted under a key derived from AUTH_SECRET (a JWE). A
 * key's state (next, current, retired) is not stored: it follows from
 * activates_at and the clock. `generation` is unique, so of two writers adding
 * "the next key" at once only one succeeds.
 */
export function signingKeys(dialect: SqlDialect): Migration {
  const types = dialectTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("signing_keys")
        .addColumn("kid", "text", (c) => c.primaryKey())
        .addColumn("generation", "integer", (c) => c.notNull().unique())
        .addColumn("alg", "text", (c) => c.notNull())
        .addColumn("private_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.timestamp, (c) => c.notNull())
        .addColumn("activates_at", types.timestamp, (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("signing_keys").execute();
    },
  };
}
