import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

export interface StoredTotp {
  /** JWE of the base32 secret. */
  readonly sealedSecret: string;
  readonly enabled: boolean;
}

/** A user's recovery codes become exactly these (the old ones void), inside the caller's transaction. */
async function replaceCodes(
  trx: Kysely<Database>,
  userId: string,
  codeHashes: readonly string[],
  at: Date,
): Promise<void> {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx
    .insertInto("recovery_codes")
    .values(codeHashes.map((code_hash) => ({ code_hash, user_id: userId, created_at: at })))
    .execute();
}

/** TOTP secrets, recovery codes and the consecutive wrong codes, on Kysely (PostgreSQL or the embedded database). */
export interface TotpStore {
  findTotp(userId: string): Promise<StoredTotp | undefined>;
  /** Stores a new, not yet enabled secret (replacing an unconfirmed one); false when TOTP is already on. */
  beginTotp(userId: string, sealedSecret: string): Promise<boolean>;
  /**
   * Turns TOTP on with the step of the code that confirmed it, and replaces
   * the recovery codes; false when it was on already or the step was used.
   */
  enableTotp(userId: string, step: number, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** Replaces the recovery codes of a user with TOTP on (the old ones stop working); false when TOTP is off. */
  replaceRecoveryCodes(userId: string, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** Records an accepted step, only if newer than every accepted one (a code is good once). */
  acceptStep(userId: string, step: number): Promise<boolean>;
  /**
   * Reserves one TOTP code check against the account's cap, before it runs:
   * a single UPDATE adds one to the consecutive failures only while they are
   * under `cap`, so parallel requests cannot check more codes than the cap.
   * The new count, or undefined when the factor is locked (or off).
   */
  reserveCodeCheck(userId: string, cap: number): Promise<number | undefined>;
  /** Gives a reservation back: the check never ran (an outage). */
  releaseCodeCheck(userId: string): Promise<void>;
  /** A right code, a recovery code: consecutive failures start at 0 again. */
  clearFailedCodes(userId: string): Promise<void>;
  /** The mailed unlock link: consecutive failures start at 0 again, and the time is kept (linkUnlockedAt). */
  unlockByLink(userId: string): Promise<void>;
  /** When the mailed unlock link last cleared the lock; undefined: never (or TOTP off). */
  linkUnlockedAt(userId: string): Promise<Date | undefined>;
  /** Uses a recovery code up, atomically. */
  useRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  /** Turns TOTP off: secret and recovery codes go, and the sign-ins waiting for a code. */
  removeTotp(userId: string): Promise<boolean>;
  /** Re-encrypts a secret (AUTH_SECRET rotation). */
  resealTotp(userId: string, sealedSecret: string): Promise<void>;
}

export function createTotpStore(db: Kysely<Database>, now: () => number = Date.now): TotpStore {
  return {
    async findTotp(userId) {
      const row = await db
        .selectFrom("user_totp")
        .select(["secret", "enabled_at"])
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return row && { sealedSecret: row.secret, enabled: row.enabled_at !== null };
    },
    async beginTotp(userId, sealedSecret) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom("user_totp").where("user_id", "=", userId).where("enabled_at", "is", null).execute();
        const inserted = await trx
          .insertInto("user_totp")
          .values({ user_id: userId, secret: sealedSecret, created_at: new Date(now()), enabled_at: null })
          .onConflict((oc) => oc.column("user_id").doNothing())
          .returning("user_id")
          .executeTakeFirst();
        return inserted !== undefined;
      });
    },
    async enableTotp(userId, step, recoveryCodeHashes) {
      return db.transaction().execute(async (trx) => {
        const at = new Date(now());
        const result = await trx
          .updateTable("user_totp")
          .set({ enabled_at: at, last_step: step })
          .where("user_id", "=", userId)
          .where("enabled_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await replaceCodes(trx, userId, recoveryCodeHashes, at);
        return true;
      });
    },
    async replaceRecoveryCodes(userId, recoveryCodeHashes) {
      return db.transaction().execute(async (trx) => {
        const on = await trx
          .selectFrom("user_totp")
          .select("user_id")
          .where("user_id", "=", userId)
          .where("enabled_at", "is not", null)
          .executeTakeFirst();
        if (!on) return false;
        const at = new Date(now());
        await replaceCodes(trx, userId, recoveryCodeHashes, at);
        return true;
      });
    },
    async acceptStep(userId, step) {
      const result = await db
        .updateTable("user_totp")
        .set({ last_step: step })
        .where("user_id", "=", userId)
        .where("enabled_at", "is not", null)
        .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async reserveCodeCheck(userId, cap) {
      const row = await db
        .updateTable("user_totp")
        .set((eb) => ({ failed_codes: eb("failed_codes", "+", 1) }))
        .where("user_id", "=", userId)
        .where("enabled_at", "is not", null)
        .where("failed_codes", "<", cap)
        .returning("failed_codes")
        .executeTakeFirst();
      return row && Number(row.failed_codes);
    },
    async releaseCodeCheck(userId) {
      await db
        .updateTable("user_totp")
        .set((eb) => ({ failed_codes: eb("failed_codes", "-", 1) }))
        .where("user_id", "=", userId)
        .where("failed_codes", ">", 0)
        .execute();
    },
    async clearFailedCodes(userId) {
      await db
        .updateTable("user_totp")
        .set({ failed_codes: 0 })
        .where("user_id", "=", userId)
        .where("failed_codes", ">", 0)
        .execute();
    },
    async unlockByLink(userId) {
      await db
        .updateTable("user_totp")
        .set({ failed_codes: 0, link_unlocked_at: new Date(now()) })
        .where("user_id", "=", userId)
        .execute();
    },
    async linkUnlockedAt(userId) {
      const row = await db
        .selectFrom("user_totp")
        .select("link_unlocked_at")
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return row?.link_unlocked_at ? new Date(row.link_unlocked_at) : undefined;
    },
    async useRecoveryCode(userId, codeHash) {
      const result = await db
        .updateTable("recovery_codes")
        .set({ used_at: new Date(now()) })
        .where("user_id", "=", userId)
        .where("code_hash", "=", codeHash)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async remainingRecoveryCodes(userId) {
      const row = await db
        .selectFrom("recovery_codes")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async removeTotp(userId) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
        await trx.deleteFrom("mfa_pending").where("user_id", "=", userId).execute();
        const result = await trx.deleteFrom("user_totp").where("user_id", "=", userId).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      });
    },
    async resealTotp(userId, sealedSecret) {
      await db.updateTable("user_totp").set({ secret: sealedSecret }).where("user_id", "=", userId).execute();
    },
  };
}
