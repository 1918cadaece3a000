import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { hashToken, newToken, TOKEN_SHAPE } from "./token-hash.js";

/** What a mailed token is for; a token of one purpose is never accepted for another. */
export type TokenPurpose = "password_reset" | "email_verification" | "mfa_unlock";

/** Lifetimes, ms: reset 30 minutes, verification and unlocking a locked second factor 24 hours. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  password_reset: 30 * 60_000,
  email_verification: 24 * 3_600_000,
  mfa_unlock: 24 * 3_600_000,
};

export interface TokenGrant {
  readonly userId: string;
  /** The address a verification token was sent to. */
  readonly email: string | null;
}

export interface VerificationOffer {
  readonly email: string | null;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** pendingEmail's rule, on an offer read earlier: live, and not the address the user has now. */
export function pendingAddress(
  offer: VerificationOffer | undefined,
  currentEmail: string | null,
  now: number,
): string | null {
  if (!offer?.email || offer.expiresAt <= now) return null;
  return offer.email.toLowerCase() !== (currentEmail ?? "").toLowerCase() ? offer.email : null;
}

export interface AccountTokenStore {
  /**
   * A new token for `userId` and `purpose`. Older unused tokens of the user
   * and purpose are voided (the newest link wins: one pending address).
   */
  issue(userId: string, purpose: TokenPurpose, email: string | null): Promise<string>;
  /**
   * As issue(), unless the user has a live, unused token of `purpose` for
   * the same address (case aside) issued less than `withinMs` ago: then
   * nothing changes and the answer is undefined (the owner already holds a
   * working link). Atomic per user: of concurrent calls, one issues.
   */
  issueUnlessRecent(
    userId: string,
    purpose: TokenPurpose,
    email: string,
    withinMs: number,
  ): Promise<string | undefined>;
  /** The live token's user, without using it up (to check the new password first); undefined: invalid. */
  peek(token: string, purpose: TokenPurpose): Promise<TokenGrant | undefined>;
  /** Uses the token up, atomically: of two requests with one token only one gets the grant. */
  consume(token: string, purpose: TokenPurpose): Promise<TokenGrant | undefined>;
  /** Voids every unused mailed token of the user (a password change, a new address). */
  voidAll(userId: string): Promise<void>;
  /**
   * The address the user asked for and has not confirmed yet: the one of the
   * newest live verification token that is not the user's current address.
   */
  pendingEmail(userId: string, currentEmail: string | null): Promise<string | null>;
  /**
   * The address and expiry of the user's live verification token (what
   * pendingEmail reads), for a cache that decides "pending" itself as time
   * passes; undefined when there is none.
   */
  verificationOffer(userId: string): Promise<VerificationOffer | undefined>;
  /** The address of the user's newest unused verification token, live or expired (what a fresh link would offer). */
  lastOfferedEmail(userId: string): Promise<string | null>;
  /**
   * Marks an account made by sign-up as owing a confirmed address
   * (EMAIL_VERIFICATION=required refuses its sign-in until then), for as
   * long as it has none: the mark does not expire with the link.
   */
  markAddressOwed(userId: string): Promise<void>;
  addressOwed(userId: string): Promise<boolean>;
  /** An address was attached: nothing is owed any more. */
  clearAddressOwed(userId: string): Promise<void>;
  /** Deletes tokens that expired or were used before `before`. */
  purge(before: Date): Promise<number>;
}

/**
 * The "address owed" mark is a row of this table that is never mailed: a
 * random hash, its own purpose, no expiry in practice (purge skips it).
 */
const ADDRESS_OWED = "address_owed";
const FOREVER_MS = 100 * 365 * 86_400_000;
/** Every purpose voidAll cancels: all that are mailed (an unlock link too, so it dies with the old password or address). */
const MAILED: readonly TokenPurpose[] = ["password_reset", "email_verification", "mfa_unlock"];

export function createAccountTokenStore(db: Kysely<Database>, now: () => number = Date.now): AccountTokenStore {
  const live = (token: string, purpose: TokenPurpose) =>
    db
      .selectFrom("account_tokens")
      .select(["user_id", "email"])
      .where("token_hash", "=", hashToken(token))
      .where("purpose", "=", purpose)
      .where("used_at", "is", null)
      .where("expires_at", ">", new Date(now()));
  /** The newest link wins: older ones of the purpose die (for verification, so only one address is pending). */
  async function replace(
    trx: Transaction<Database>,
    userId: string,
    purpose: TokenPurpose,
    email: string | null,
    at: Date,
  ): Promise<string> {
    const token = newToken();
    await trx
      .updateTable("account_tokens")
      .set({ used_at: at })
      .where("user_id", "=", userId)
      .where("purpose", "=", purpose)
      .where("used_at", "is", null)
      .execute();
    await trx
      .insertInto("account_tokens")
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        purpose,
        email,
        created_at: at,
        expires_at: new Date(at.getTime() + TOKEN_TTL_MS[purpose]),
      })
      .execute();
    return token;
  }

  return {
    async issue(userId, purpose, email) {
      const at = new Date(now());
      return db.transaction().execute((trx) => replace(trx, userId, purpose, email, at));
    },
    async issueUnlessRecent(userId, purpose, email, withinMs) {
      const at = new Date(now());
      return db.transaction().execute(async (trx) => {
        // A no-op write to the user's row: concurrent calls for one user queue here (PostgreSQL row lock;
        // SQLite runs one write transaction at a time), so the look below sees what the one before issued.
        await trx
          .updateTable("users")
          .set((eb) => ({ id: eb.ref("id") }))
          .where("id", "=", userId)
          .execute();
        const recent = await trx
          .selectFrom("account_tokens")
          .select("email")
          .where("user_id", "=", userId)
          .where("purpose", "=", purpose)
          .where("used_at", "is", null)
          .where("expires_at", ">", at)
          .where("created_at", ">", new Date(at.getTime() - withinMs))
          .execute();
        if (recent.some((row) => row.email?.toLowerCase() === email.toLowerCase())) return undefined;
        return replace(trx, userId, purpose, email, at);
      });
    },
    async peek(token, purpose) {
      if (!TOKEN_SHAPE.test(token)) return undefined;
      const row = await live(token, purpose).executeTakeFirst();
      return row && { userId: row.user_id, email: row.email };
    },
    async consume(token, purpose) {
      if (!TOKEN_SHAPE.test(token)) return undefined;
      const row = await db
        .updateTable("account_tokens")
        .set({ used_at: new Date(now()) })
        .where("token_hash", "=", hashToken(token))
        .where("purpose", "=", purpose)
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .returning(["user_id", "email"])
        .executeTakeFirst();
      return row && { userId: row.user_id, email: row.email };
    },
    async voidAll(userId) {
      await db
        .updateTable("account_tokens")
        .set({ used_at: new Date(now()) })
        .where("user_id", "=", userId)
        .where("purpose", "in", MAILED)
        .where("used_at", "is", null)
        .execute();
    },
    async pendingEmail(userId, currentEmail) {
      // issue() keeps at most one live verification token per user.
      const row = await db
        .selectFrom("account_tokens")
        .select("email")
        .where("user_id", "=", userId)
        .where("purpose", "=", "email_verification")
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .executeTakeFirst();
      const email = row?.email ?? null;
      return email !== null && email.toLowerCase() !== (currentEmail ?? "").toLowerCase() ? email : null;
    },
    async verificationOffer(userId) {
      // The latest expiry: any other live one expires sooner, so the answer holds until this one does.
      const row = await db
        .selectFrom("account_tokens")
        .select(["email", "expires_at"])
        .where("user_id", "=", userId)
        .where("purpose", "=", "email_verification")
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now()))
        .orderBy("expires_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row && { email: row.email, expiresAt: new Date(row.expires_at).getTime() };
    },
    async lastOfferedEmail(userId) {
      const row = await db
        .selectFrom("account_tokens")
        .select("email")
        .where("user_id", "=", userId)
        .where("purpose", "=", "email_verification")
        .where("used_at", "is", null)
        .orderBy("created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row?.email ?? null;
    },
    async markAddressOwed(userId) {
      const at = new Date(now());
      await db
        .insertInto("account_tokens")
        .values({
          token_hash: hashToken(newToken()),
          user_id: userId,
          purpose: ADDRESS_OWED,
          email: null,
          created_at: at,
          expires_at: new Date(at.getTime() + FOREVER_MS),
        })
        .execute();
    },
    async addressOwed(userId) {
      const row = await db
        .selectFrom("account_tokens")
        .select("token_hash")
        .where("user_id", "=", userId)
        .where("purpose", "=", ADDRESS_OWED)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return row !== undefined;
    },
    async clearAddressOwed(userId) {
      await db
        .updateTable("account_tokens")
        .set({ used_at: new Date(now()) })
        .where("user_id", "=", userId)
        .where("purpose", "=", ADDRESS_OWED)
        .where("used_at", "is", null)
        .execute();
    },
    async purge(before) {
      const result = await db
        .deleteFrom("account_tokens")
        .where((eb) => eb.or([eb("expires_at", "<", before), eb("used_at", "<", before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
