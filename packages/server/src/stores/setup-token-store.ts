import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { hashToken, TOKEN_SHAPE } from "./token-hash.js";

/** A setup link lives one hour. */
export const SETUP_TOKEN_TTL_MS = 3_600_000;

export interface SetupTokenStore {
  /** A new setup token; those issued before are voided. */
  issue(): Promise<string>;
  /** Whether the token is live (before the first account is made with it). */
  peek(token: string): Promise<boolean>;
  /** Uses the token up, atomically. */
  consume(token: string): Promise<boolean>;
}

export function createSetupTokenStore(db: Kysely<Database>, now: () => number = Date.now): SetupTokenStore {
  return {
    async issue() {
      const token = randomBytes(32).toString("base64url");
      const at = new Date(now());
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("setup_tokens").execute();
        await trx
          .insertInto("setup_tokens")
          .values({
            token_hash: hashToken(token),
            created_at: at,
            expires_at: new Date(at.getTime() + SETUP_TOKEN_TTL_MS),
          })
          .execute();
      });
      return token;
    },
    async peek(token) {
      if (!TOKEN_SHAPE.test(token)) return false;
      const row = await db
        .selectFrom("setup_tokens")
        .select("token_hash")
        .where("token_hash", "=", hashToken(token))
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .executeTakeFirst();
      return row !== undefined;
    },
    async consume(token) {
      if (!TOKEN_SHAPE.test(token)) return false;
      const result = await db
        .updateTable("setup_tokens")
        .set({ used_at: new Date(now()) })
        .where("token_hash", "=", hashToken(token))
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
