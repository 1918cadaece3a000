import type { CredentialDeviceType } from "@simplewebauthn/server";
import type { Kysely } from "kysely";
import type { ChallengePurpose, PasskeyTables } from "./tables.js";

/** A registered passkey as the store keeps it. */
export interface StoredPasskey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** COSE public key, base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: string[];
  readonly deviceType: CredentialDeviceType;
  readonly backedUp: boolean;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export type NewPasskey = Omit<StoredPasskey, "createdAt" | "lastUsedAt">;

type CredentialRow = PasskeyTables["passkey_credentials"];

function toPasskey(row: CredentialRow): StoredPasskey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports === "" ? [] : row.transports.split(","),
    deviceType: row.device_type === "multiDevice" ? "multiDevice" : "singleDevice",
    backedUp: Boolean(row.backed_up),
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  };
}

/** Passkeys and their challenges, on Kysely (PostgreSQL or the embedded database). */
export interface PasskeyStore {
  /** Stores a challenge's hash for `purpose` (and the user it is for, when known). */
  addChallenge(challengeHash: string, purpose: ChallengePurpose, userId: string | null, expiresAt: Date): Promise<void>;
  /** Deletes a user's earlier challenges of one purpose: only the newest answers, and one account keeps at most one each. */
  dropChallenges(userId: string, purpose: ChallengePurpose): Promise<void>;
  /**
   * Uses a challenge up, atomically (DELETE … RETURNING): of two requests with
   * one challenge only one gets it. `{ userId }` when it was live and of this
   * purpose (userId null: handed out without a user); undefined otherwise.
   */
  takeChallenge(challengeHash: string, purpose: ChallengePurpose): Promise<{ userId: string | null } | undefined>;
  add(passkey: NewPasskey): Promise<boolean>;
  find(id: string): Promise<StoredPasskey | undefined>;
  listFor(userId: string): Promise<StoredPasskey[]>;
  rename(userId: string, id: string, name: string): Promise<boolean>;
  remove(userId: string, id: string): Promise<boolean>;
  /**
   * Records a sign-in with the passkey: the new counter (only if it moved
   * forward, or both are zero: authenticators that keep no counter), the
   * backed-up flag and the time. False: another request with the same
   * counter got there first (a replay raced the original).
   */
  recordUse(id: string, previousCounter: number, counter: number, backedUp: boolean): Promise<boolean>;
  /** Deletes challenges that expired before `before`; how many. */
  purge(before: Date): Promise<number>;
  /** Deletes every challenge of a user (signed out everywhere). */
  dropAllChallenges(userId: string): Promise<void>;
}

export function createPasskeyStore(db: Kysely<PasskeyTables>, now: () => number): PasskeyStore {
  return {
    async addChallenge(challengeHash, purpose, userId, expiresAt) {
      await db
        .insertInto("passkey_challenges")
        .values({
          challenge_hash: challengeHash,
          purpose,
          user_id: userId,
          created_at: new Date(now()),
          expires_at: expiresAt,
        })
        .execute();
    },
    async dropChallenges(userId, purpose) {
      await db.deleteFrom("passkey_challenges").where("user_id", "=", userId).where("purpose", "=", purpose).execute();
    },
    async takeChallenge(challengeHash, purpose) {
      const row = await db
        .deleteFrom("passkey_challenges")
        .where("challenge_hash", "=", challengeHash)
        .where("purpose", "=", purpose)
        .where("expires_at", ">", new Date(now()))
        .returning("user_id")
        .executeTakeFirst();
      return row && { userId: row.user_id };
    },
    async add(passkey) {
      const inserted = await db
        .insertInto("passkey_credentials")
        .values({
          id: passkey.id,
          user_id: passkey.userId,
          name: passkey.name,
          public_key: passkey.publicKey,
          counter: passkey.counter,
          transports: passkey.transports.join(","),
          device_type: passkey.deviceType,
          backed_up: passkey.backedUp,
          created_at: new Date(now()),
          last_used_at: null,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .returning("id")
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async find(id) {
      const row = await db.selectFrom("passkey_credentials").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toPasskey(row);
    },
    async listFor(userId) {
      const rows = await db
        .selectFrom("passkey_credentials")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toPasskey);
    },
    async rename(userId, id, name) {
      const result = await db
        .updateTable("passkey_credentials")
        .set({ name })
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async remove(userId, id) {
      const result = await db
        .deleteFrom("passkey_credentials")
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async recordUse(id, previousCounter, counter, backedUp) {
      const result = await db
        .updateTable("passkey_credentials")
        .set({ counter, backed_up: backedUp, last_used_at: new Date(now()) })
        .where("id", "=", id)
        .where((eb) => (counter === 0 && previousCounter === 0 ? eb("counter", "=", 0) : eb("counter", "<", counter)))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async purge(before) {
      const result = await db.deleteFrom("passkey_challenges").where("expires_at", "<", before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async dropAllChallenges(userId) {
      await db.deleteFrom("passkey_challenges").where("user_id", "=", userId).execute();
    },
  };
}
