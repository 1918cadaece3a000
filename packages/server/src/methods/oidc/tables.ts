import type { Kysely, Migration } from "kysely";
import type { DatabaseHandle } from "../../db/client.js";
import { dialectTypes, type SqlDialect } from "../../db/migrations/dialect-types.js";

/**
 * The OpenID Connect method's tables, prefixed with its id:
 * - oidc_identities: one row per identity at a provider linked to an account:
 *   (provider, subject) is unique, so an identity signs in to one account only;
 *   the address the provider gave when it was linked, for the account page.
 * - oidc_flows: SHA-256 of the `state` of each sign-in started, single use
 *   (deleted when its callback comes) and ten minutes long: the server's half
 *   of the flow, beside the browser's sealed cookie, so a flow cookie replayed
 *   after its callback finds nothing.
 */
export type OidcTables = {
  oidc_identities: {
    id: string;
    user_id: string;
    provider: string;
    subject: string;
    email: string | null;
    created_at: Date | string;
  };
  oidc_flows: {
    state_hash: string;
    expires_at: Date | string;
  };
};

export function oidcTables(database: DatabaseHandle): Kysely<OidcTables> {
  return database.db.withTables<OidcTables>() as unknown as Kysely<OidcTables>;
}

export function oidcMigrations(dialect: SqlDialect): Record<string, Migration> {
  const types = dialectTypes(dialect);
  return {
    "0001_identities": {
      async up(db) {
        await db.schema
          .createTable("oidc_identities")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("provider", "text", (c) => c.notNull())
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("email", "text")
          .addColumn("created_at", types.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("oidc_identities_subject_idx")
          .on("oidc_identities")
          .columns(["provider", "subject"])
          .unique()
          .execute();
        await db.schema.createIndex("oidc_identities_user_idx").on("oidc_identities").column("user_id").execute();
        await db.schema
          .createTable("oidc_flows")
          .addColumn("state_hash", "text", (c) => c.primaryKey())
          .addColumn("expires_at", types.timestamp, (c) => c.notNull())
          .execute();
      },
      async down(db) {
        await db.schema.dropTable("oidc_flows").execute();
        await db.schema.dropTable("oidc_identities").execute();
      },
    },
  };
}
