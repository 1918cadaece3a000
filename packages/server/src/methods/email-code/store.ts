import { createHmac, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { hashToken, newToken } from "../../stores/token-hash.js";
import type { EmailCodeTables } from "./tables.js";

/** How long a mailed code and link work (ASVS 5.0 6.5.5: at most 10 minutes for an out-of-band code). */
export const EMAIL_CODE_TTL_MS = 10 * 60_000;
/** Wrong codes one mailed code survives: then it is void and a new one must be asked for. */
export const EMAIL_CODE_MAX_FAILURES = 5;
/** Digits of a code: 10^6 values against 5 guesses per code and the mail quota per address. */
const CODE_DIGITS = 6;

/** A fresh grant: what goes in the mail. */
export interface IssuedEmailCode {
  readonly code: string;
  readonly linkToken: string;
}

/** What a right code or link grants: a sign-in of this user, proved through this address. */
export interface EmailCodeGrant {
  readonly userId: string;
  readonly email: string;
}

export interface EmailCodeStore {
  /**
   * A new code and link for `userId` at `email`, voiding the user's earlier
   * ones (only the newest mail works) — unless one was issued less than
   * `reuseWithinMs` ago and is still live: then undefined, and nothing is
   * mailed (a reload of the form does not mail again).
   */
  issue(userId: string, email: string, reuseWithinMs: number): Promise<IssuedEmailCode | undefined>;
  /**
   * Checks `code` against the user's live grant for `email` and uses it up
   * (atomically: of two requests with one code, one gets the grant). Every
   * check takes one of the grant's EMAIL_CODE_MAX_FAILURES tries first; with
   * none left the grant is void.
   */
  useCode(userId: string, email: string, code: string): Promise<EmailCodeGrant | undefined>;
  /** Uses up the grant of a link's token, atomically. */
  useLink(token: string): Promise<EmailCodeGrant | undefined>;
  /** Voids every live grant of a user (password changed, signed out everywhere). */
  voidAll(userId: string): Promise<void>;
  /** Deletes grants that expired or were used before `before`; how many. */
  purge(before: Date): Promise<number>;
}

/** A code of CODE_DIGITS digits, leading zeros kept, from the CSPRNG. */
function newCode(): string {
  return randomInt(0, 10 ** CODE_DIGITS)
    .toString()
    .padStart(CODE_DIGITS, "0");
}

/**
 * `keys`: HMAC keys from AUTH_SECRET (current first; earlier secrets still
 * verify a code mailed before a rotation). The grant's id is in the MAC, so
 * one code's hash says nothing about another grant's.
 */
export function createEmailCodeStore(
  db: Kysely<EmailCodeTables>,
  keys: readonly Buffer[],
  now: () => number,
): EmailCodeStore {
  const mac = (key: Buffer, id: string, code: string) => createHmac("sha256", key).update(`${id}:${code}`).digest();
  const codeMatches = (id: string, code: string, stored: string) => {
    const expected = Buffer.from(stored, "hex");
    return keys.some((key) => {
      const given = mac(key, id, code);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  };
  return {
    async issue(userId, email, reuseWithinMs) {
      return db.transaction().execute(async (tx) => {
        // A no-op write to the user's row: concurrent requests for one user queue here (PostgreSQL row
        // lock; SQLite runs one write transaction at a time), so the look below sees what the one before issued.
        await sql`update users set id = id where id = ${userId}`.execute(tx);
        const recent = await tx
          .selectFrom("email_code_grants")
          .select("id")
          .where("user_id", "=", userId)
          .where("used_at", "is", null)
          .where("expires_at", ">", new Date(now()))
          .where("created_at", ">", new Date(now() - reuseWithinMs))
          .executeTakeFirst();
        if (recent) return undefined;
        await tx
          .updateTable("email_code_grants")
          .set({ used_at: new Date(now()) })
          .where("user_id", "=", userId)
          .where("used_at", "is", null)
          .execute();
        const id = randomUUID();
        const code = newCode();
        const linkToken = newToken();
        const [current] = keys;
        if (!current) throw new Error("no key to store mailed codes under");
        await tx
          .insertInto("email_code_grants")
          .values({
            id,
            user_id: userId,
            email,
            code_hash: mac(current, id, code).toString("hex"),
            link_hash: hashToken(linkToken),
            failures: 0,
            created_at: new Date(now()),
            expires_at: new Date(now() + EMAIL_CODE_TTL_MS),
            used_at: null,
          })
          .execute();
        return { code, linkToken };
      });
    },

    async useCode(userId, email, code) {
      // A try is taken before the code is compared (failures + 1, only while under the cap), so
      // however many guesses arrive at once, one mailed code is compared at most the cap's times.
      const taken = await db
        .updateTable("email_code_grants")
        .set((eb) => ({ failures: eb("failures", "+", 1) }))
        .where("user_id", "=", userId)
        .where("email", "=", email)
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .where("failures", "<", EMAIL_CODE_MAX_FAILURES)
        .returning(["id", "code_hash", "user_id", "email"])
        .executeTakeFirst();
      if (!taken || !codeMatches(taken.id, code, taken.code_hash)) return undefined;
      const used = await db
        .updateTable("email_code_grants")
        .set({ used_at: new Date(now()) })
        .where("id", "=", taken.id)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return Number(used.numUpdatedRows) === 1 ? { userId: taken.user_id, email: taken.email } : undefined;
    },

    async useLink(token) {
      const grant = await db
        .updateTable("email_code_grants")
        .set({ used_at: new Date(now()) })
        .where("link_hash", "=", hashToken(token))
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .returning(["user_id", "email"])
        .executeTakeFirst();
      return grant && { userId: grant.user_id, email: grant.email };
    },

    async voidAll(userId) {
      await db
        .updateTable("email_code_grants")
        .set({ used_at: new Date(now()) })
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .execute();
    },

    async purge(before) {
      const gone = await db
        .deleteFrom("email_code_grants")
        .where((eb) => eb.or([eb("expires_at", "<", before), eb("used_at", "<", before)]))
        .executeTakeFirst();
      return Number(gone.numDeletedRows);
    },
  };
}
