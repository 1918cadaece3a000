import type { Amr } from "@tollgate/auth";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { amrFromColumn, amrToColumn } from "./amr-column.js";

/**
 * Sign-ins waiting for a second factor (table mfa_pending): only SHA-256 of
 * the pending cookie's token is stored; single use, a few tries, minutes long.
 */
export interface PendingSignInStore {
  /** `amr`: what the first factor proved, united with the second factor's when the session starts. */
  create(tokenHash: string, userId: string, expiresAt: Date, amr: readonly Amr[]): Promise<void>;
  /**
   * Takes one of the pending sign-in's `max` tries, atomically (parallel
   * requests with one cookie get no more): its user and what the first factor
   * proved, or undefined when it is missing, used, expired or out of tries.
   */
  claimAttempt(tokenHash: string, max: number): Promise<{ userId: string; amr: Amr[] } | undefined>;
  /** The user of a pending sign-in still live (unused, unexpired, with tries left), taking nothing. */
  find(tokenHash: string, max: number): Promise<string | undefined>;
  /** Gives a try back: it was refused before any code was checked (RATE_LIMITED, MFA_LOCKED). */
  releaseAttempt(tokenHash: string): Promise<void>;
  /** Uses the pending sign-in up, atomically: of two requests only one gets true. */
  consume(tokenHash: string, userId: string): Promise<boolean>;
  /** Ends every pending sign-in of the user (password change or reset, sign-out everywhere); how many. */
  endAll(userId: string): Promise<number>;
  /** Deletes pending sign-ins that expired or were used before `before`. */
  purge(before: Date): Promise<number>;
}

export function createPendingSignInStore(db: Kysely<Database>, now: () => number = Date.now): PendingSignInStore {
  return {
    async create(tokenHash, userId, expiresAt, amr) {
      await db
        .insertInto("mfa_pending")
        .values({
          token_hash: tokenHash,
          user_id: userId,
          created_at: new Date(now()),
          expires_at: expiresAt,
          amr: amrToColumn(amr),
        })
        .execute();
    },
    async claimAttempt(tokenHash, max) {
      const row = await db
        .updateTable("mfa_pending")
        .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .where("attempts", "<", max)
        .returning(["user_id", "amr"])
        .executeTakeFirst();
      return row && { userId: row.user_id, amr: amrFromColumn(row.amr) };
    },
    async find(tokenHash, max) {
      const row = await db
        .selectFrom("mfa_pending")
        .select("user_id")
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .where("attempts", "<", max)
        .executeTakeFirst();
      return row?.user_id;
    },
    async releaseAttempt(tokenHash) {
      await db
        .updateTable("mfa_pending")
        .set((eb) => ({ attempts: eb("attempts", "-", 1) }))
        .where("token_hash", "=", tokenHash)
        .where("attempts", ">", 0)
        .execute();
    },
    async consume(tokenHash, userId) {
      const at = new Date(now());
      const result = await db
        .updateTable("mfa_pending")
        .set({ used_at: at })
        .where("token_hash", "=", tokenHash)
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async endAll(userId) {
      const result = await db.deleteFrom("mfa_pending").where("user_id", "=", userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async purge(before) {
      const result = await db
        .deleteFrom("mfa_pending")
        .where((eb) => eb.or([eb("expires_at", "<", before), eb("used_at", "<", before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
