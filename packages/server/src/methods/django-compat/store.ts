import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/unique-violation.js";
import type { DjangoTables } from "./tables.js";

/** One of SimpleJWT's outstanding tokens, as the token_blacklist app kept it. */
export interface DjangoTokenRecord {
  readonly jti: string;
  readonly djangoUserId: string | null;
  readonly expiresAt: Date | null;
  readonly blacklistedAt: Date | null;
}

export interface DjangoStore {
  /** Records that Django user `djangoId` is Tollgate user `userId`; false when either is mapped already (to anything). */
  mapUser(djangoId: string, userId: string): Promise<boolean>;
  /** The Tollgate user a Django id was imported as, while their Django tokens count (see revokeTokens). */
  userIdOf(djangoId: string): Promise<string | undefined>;
  /**
   * The Tollgate user a Django id was imported as, whether or not their
   * Django tokens still count; null when that user was deleted in Tollgate
   * since (never imported again); undefined when never imported.
   */
  importedAs(djangoId: string): Promise<string | null | undefined>;
  /** Every Django id mapped to a Tollgate user that still exists (the import looks for users gone from Django). */
  mappings(): Promise<{ djangoId: string; userId: string }[]>;
  /** No Django token of this user counts from now on (a password change, signing out everywhere). */
  revokeTokens(userId: string): Promise<void>;
  /** The Django id of a Tollgate user, when imported. */
  djangoIdOf(userId: string): Promise<string | undefined>;
  /** Records an outstanding token; run again, it only ever adds a blacklisting (never removes one). */
  saveToken(token: DjangoTokenRecord): Promise<void>;
  isBlacklisted(jti: string): Promise<boolean>;
  /**
   * Whether the imported token_blacklist tables list this jti as another
   * Django user's token. A jti they do not list at all is no sign of
   * forgery: SimpleJWT did not record the refresh tokens it rotated until
   * release 5.5, so an app with ROTATE_REFRESH_TOKENS holds live tokens
   * that were never listed.
   */
  listedForAnother(jti: string, djangoUserId: string): Promise<boolean>;
  /**
   * Uses a jti up, atomically (the primary key decides): true the first
   * time, false for every later or concurrent try. `userId` is the user it
   * is exchanged for, null when a logout burns it. Kept until `expiresAt`
   * (the token's own expiry: after it the signature check refuses it anyway).
   */
  useOnce(jti: string, userId: string | null, expiresAt: Date): Promise<boolean>;
  /**
   * Records the session a used jti was exchanged for (theft detection ends
   * it when the jti comes back); false when a logout burnt the jti while the
   * exchange was under way (the caller ends that session).
   */
  recordExchange(jti: string, sessionId: string): Promise<boolean>;
  /** Marks a used jti burnt by a logout; the session it was exchanged for, if any (the logout ends it). */
  burn(jti: string): Promise<string | null>;
  /**
   * When a jti was used up, for whom (null: a logout burnt it), and the
   * session it became (null while the exchange is under way, or burnt).
   */
  exchangeOf(jti: string): Promise<{ usedAt: Date; userId: string | null; sessionId: string | null } | undefined>;
  /** Gives a jti back after its exchange failed half way (the database refused the session): the token still works. */
  release(jti: string): Promise<void>;
  /** Deletes used and imported jtis whose tokens expired before `before` (the signature check refuses them anyway); how many went. */
  purge(before: Date): Promise<number>;
}

export function createDjangoStore(db: Kysely<DjangoTables>, now: () => number): DjangoStore {
  const mapping = (djangoId: string) =>
    db
      .selectFrom("django_users")
      .select(["user_id", "tokens_revoked_at"])
      .where("django_id", "=", djangoId)
      .executeTakeFirst();
  return {
    async mapUser(djangoId, userId) {
      try {
        await db.insertInto("django_users").values({ django_id: djangoId, user_id: userId }).execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error) || isPrimaryKeyViolation(error)) return false;
        throw error;
      }
    },
    async userIdOf(djangoId) {
      const row = await mapping(djangoId);
      return row?.tokens_revoked_at === null ? (row.user_id ?? undefined) : undefined;
    },
    async importedAs(djangoId) {
      return (await mapping(djangoId))?.user_id;
    },
    async mappings() {
      const rows = await db
        .selectFrom("django_users")
        .select(["django_id", "user_id"])
        .where("user_id", "is not", null)
        .execute();
      return rows.flatMap((row) => (row.user_id === null ? [] : [{ djangoId: row.django_id, userId: row.user_id }]));
    },
    async revokeTokens(userId) {
      await db
        .updateTable("django_users")
        .set({ tokens_revoked_at: new Date(now()) })
        .where("user_id", "=", userId)
        .where("tokens_revoked_at", "is", null)
        .execute();
    },
    async djangoIdOf(userId) {
      const row = await db
        .selectFrom("django_users")
        .select("django_id")
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return row?.django_id;
    },
    async saveToken(token) {
      await db
        .insertInto("django_tokens")
        .values({
          jti: token.jti,
          django_user_id: token.djangoUserId,
          expires_at: token.expiresAt,
          blacklisted_at: token.blacklistedAt,
        })
        .onConflict((oc) =>
          token.blacklistedAt === null
            ? oc.column("jti").doNothing()
            : oc
                .column("jti")
                .doUpdateSet({ blacklisted_at: token.blacklistedAt })
                .where("django_tokens.blacklisted_at", "is", null),
        )
        .execute();
    },
    async isBlacklisted(jti) {
      const row = await db
        .selectFrom("django_tokens")
        .select("jti")
        .where("jti", "=", jti)
        .where("blacklisted_at", "is not", null)
        .executeTakeFirst();
      return row !== undefined;
    },
    async listedForAnother(jti, djangoUserId) {
      const row = await db
        .selectFrom("django_tokens")
        .select("django_user_id")
        .where("jti", "=", jti)
        .executeTakeFirst();
      return row !== undefined && row.django_user_id !== djangoUserId;
    },
    async useOnce(jti, userId, expiresAt) {
      const row = await db
        .insertInto("django_exchanged")
        .values({ jti, user_id: userId, exchanged_at: new Date(now()), expires_at: expiresAt })
        .onConflict((oc) => oc.column("jti").doNothing())
        .returning("jti")
        .executeTakeFirst();
      return row !== undefined;
    },
    async recordExchange(jti, sessionId) {
      const result = await db
        .updateTable("django_exchanged")
        .set({ session_id: sessionId })
        .where("jti", "=", jti)
        .where("user_id", "is not", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async burn(jti) {
      const row = await db
        .updateTable("django_exchanged")
        .set({ user_id: null })
        .where("jti", "=", jti)
        .returning("session_id")
        .executeTakeFirst();
      return row?.session_id ?? null;
    },
    async exchangeOf(jti) {
      const row = await db
        .selectFrom("django_exchanged")
        .select(["exchanged_at", "user_id", "session_id"])
        .where("jti", "=", jti)
        .executeTakeFirst();
      return row && { usedAt: new Date(row.exchanged_at), userId: row.user_id, sessionId: row.session_id };
    },
    async release(jti) {
      await db.deleteFrom("django_exchanged").where("jti", "=", jti).execute();
    },
    async purge(before) {
      const used = await db.deleteFrom("django_exchanged").where("expires_at", "<=", before).executeTakeFirst();
      const imported = await db.deleteFrom("django_tokens").where("expires_at", "<=", before).executeTakeFirst();
      return Number(used.numDeletedRows) + Number(imported.numDeletedRows);
    },
  };
}

/** SQLite reports a duplicate primary key apart from a unique index (SQLITE_CONSTRAINT_PRIMARYKEY). */
function isPrimaryKeyViolation(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === "ERR_SQLITE_ERROR" && errcode === 1555;
}
