import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/unique-violation.js";
import type { OidcTables } from "./tables.js";

/** An identity at a provider, linked to an account. */
export interface LinkedIdentity {
  readonly id: string;
  readonly userId: string;
  readonly provider: string;
  readonly subject: string;
  /** The address the provider gave when the identity was linked (shown, never trusted later). */
  readonly email: string | null;
  readonly createdAt: Date;
}

export interface OidcStore {
  /** Records a flow's state (its hash) until `expiresAt`. */
  addFlow(stateHash: string, expiresAt: Date): Promise<void>;
  /** Uses a flow up, atomically (DELETE … RETURNING): true once, for a live flow; false for a used, expired or unknown one. */
  takeFlow(stateHash: string): Promise<boolean>;
  find(provider: string, subject: string): Promise<LinkedIdentity | undefined>;
  listFor(userId: string): Promise<LinkedIdentity[]>;
  /** Links the identity; false when it is linked already (to any account: the unique index decides). */
  link(identity: Omit<LinkedIdentity, "id" | "createdAt">): Promise<boolean>;
  /** Unlinks one of the user's identities; false when it is not theirs. */
  unlink(userId: string, id: string): Promise<boolean>;
  /** Deletes flows that expired before `before`; how many went. */
  purge(before: Date): Promise<number>;
}

type IdentityRow = OidcTables["oidc_identities"];

function toIdentity(row: IdentityRow): LinkedIdentity {
  return {
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    subject: row.subject,
    email: row.email,
    createdAt: new Date(row.created_at),
  };
}

export function createOidcStore(db: Kysely<OidcTables>, now: () => number): OidcStore {
  return {
    async addFlow(stateHash, expiresAt) {
      await db.insertInto("oidc_flows").values({ state_hash: stateHash, expires_at: expiresAt }).execute();
    },
    async takeFlow(stateHash) {
      const row = await db
        .deleteFrom("oidc_flows")
        .where("state_hash", "=", stateHash)
        .where("expires_at", ">", new Date(now()))
        .returning("state_hash")
        .executeTakeFirst();
      return row !== undefined;
    },
    async find(provider, subject) {
      const row = await db
        .selectFrom("oidc_identities")
        .selectAll()
        .where("provider", "=", provider)
        .where("subject", "=", subject)
        .executeTakeFirst();
      return row && toIdentity(row);
    },
    async listFor(userId) {
      const rows = await db
        .selectFrom("oidc_identities")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toIdentity);
    },
    async link(identity) {
      try {
        await db
          .insertInto("oidc_identities")
          .values({
            id: randomUUID(),
            user_id: identity.userId,
            provider: identity.provider,
            subject: identity.subject,
            email: identity.email,
            created_at: new Date(now()),
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async unlink(userId, id) {
      const result = await db
        .deleteFrom("oidc_identities")
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async purge(before) {
      const result = await db.deleteFrom("oidc_flows").where("expires_at", "<=", before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
