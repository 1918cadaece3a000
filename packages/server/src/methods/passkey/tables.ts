import type { Kysely, Migration } from "kysely";
import type { DatabaseHandle } from "../../db/client.js";
import { dialectTypes, type SqlDialect } from "../../db/migrations/dialect-types.js";

/** What a challenge was handed out for; a challenge answers only its own purpose. */
export type ChallengePurpose = "register" | "login" | "second_factor";

/**
 * The passkey method's tables, prefixed with its id:
 * - passkey_credentials: one row per registered passkey; the public key (COSE,
 *   base64url), the signature counter and the backed-up flag, kept up to date
 *   at every sign-in.
 * - passkey_challenges: SHA-256 of each challenge handed out, single use and
 *   five minutes long; `user_id` is null only for a sign-in without username.
 */
export type PasskeyTables = {
  passkey_credentials: {
    id: string;
    user_id: string;
    name: string;
    public_key: string;
    counter: number;
    transports: string;
    device_type: string;
    backed_up: number | boolean;
    created_at: Date | string;
    last_used_at: Date | string | null;
  };
  passkey_challenges: {
    challenge_hash: string;
    purpose: ChallengePurpose;
    user_id: string | null;
    created_at: Date | string;
    expires_at: Date | string;
  };
};

export function passkeyTables(database: DatabaseHandle): Kysely<PasskeyTables> {
  return database.db.withTables<PasskeyTables>() as unknown as Kysely<PasskeyTables>;
}

export function passkeyMigrations(dialect: SqlDialect): Record<string, Migration> {
  const types = dialectTypes(dialect);
  return {
    "0001_passkeys": {
      async up(db) {
        await db.schema
          .createTable("passkey_credentials")
          // The credential id (base64url) as the authenticator made it: unique across users.
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("public_key", "text", (c) => c.notNull())
          .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("transports", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("device_type", "text", (c) => c.notNull())
          .addColumn("backed_up", types.boolean, (c) => c.notNull())
          .addColumn("created_at", types.timestamp, (c) => c.notNull())
          .addColumn("last_used_at", types.timestamp)
          .execute();
        await db.schema
          .createIndex("passkey_credentials_user_idx")
          .on("passkey_credentials")
          .column("user_id")
          .execute();
        await db.schema
          .createTable("passkey_challenges")
          .addColumn("challenge_hash", "text", (c) => c.primaryKey())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
          .addColumn("created_at", types.timestamp, (c) => c.notNull())
          .addColumn("expires_at", types.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("passkey_challenges_user_idx")
          .on("passkey_challenges")
          .columns(["user_id", "purpose"])
          .execute();
      },
      async down(db) {
        await db.schema.dropTable("passkey_challenges").execute();
        await db.schema.dropTable("passkey_credentials").execute();
      },
    },
  };
}
