import { randomUUID } from "node:crypto";
import { normalizeUsername, parseDjangoHash, usernameLookupForm, usernameSkeleton } from "@tollgate/auth";
import { type Kysely, sql } from "kysely";
import type { Database, UserRow } from "../db/schema.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export interface User {
  readonly id: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  /** Stored as given; unique ignoring case. */
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly isActive: boolean;
}

export interface UserWithHash extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  /** Normalized by create (normalizeUsername): AuthError USERNAME_INVALID when it breaks the rules. */
  readonly username: string;
  readonly passwordHash: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string | null;
  readonly emailVerified?: boolean;
  readonly isActive?: boolean;
  /** May call admin.* (the first account made through the setup link, or an operator's grant). */
  readonly isAdmin?: boolean;
}

export interface ProfileChange {
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  /** A different address (ignoring case) is stored unverified; null removes it. */
  readonly email?: string | null | undefined;
}

export class UsernameTakenError extends Error {
  override readonly name = "UsernameTakenError";
}

export class EmailTakenError extends Error {
  override readonly name = "EmailTakenError";
}

/** Addresses are compared ignoring case (the unique index is on lower(email)). */
export function sameEmail(a: string | null, b: string | null): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}

function toUser(row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    emailVerified: Boolean(row.email_verified),
    isActive: Boolean(row.is_active),
    passwordHash: row.password_hash,
  };
}

export interface UserStore {
  /**
   * The user with this username as typed: its NFKC, trimmed form, ignoring
   * case; never by skeleton, so a look-alike finds nobody.
   */
  findByUsername(username: string): Promise<UserWithHash | undefined>;
  findById(id: string): Promise<UserWithHash | undefined>;
  /** Whether any user exists (first run: none). */
  any(): Promise<boolean>;
  /** The user with this address, ignoring case. */
  findByEmail(email: string): Promise<UserWithHash | undefined>;
  /**
   * Stores the normalized username and its skeleton. Throws AuthError
   * USERNAME_INVALID for a username that breaks the rules, UsernameTakenError
   * when it exists ignoring case or looks like an existing one (same
   * skeleton: the unique index decides, so parallel creations cannot both
   * win), EmailTakenError when the address exists (ignoring case).
   */
  create(user: NewUser): Promise<User>;
  /** Changes names and address; a different address becomes unverified. Throws EmailTakenError. Undefined: no such user. */
  updateProfile(id: string, change: ProfileChange): Promise<{ user: User; previousEmail: string | null } | undefined>;
  /**
   * Attaches a confirmed address (followed link): stored verified. Undefined
   * when another account holds it (ignoring case) or there is no such user.
   */
  attachEmail(id: string, email: string): Promise<{ user: User; previousEmail: string | null } | undefined>;
  /** Marks the address verified if it is still `email` (ignoring case); false when it changed meanwhile. */
  markEmailVerified(id: string, email: string): Promise<boolean>;
  /** Replaces the hash only if it is still `expected` (a concurrent change wins). */
  replacePasswordHash(id: string, expected: string, next: string): Promise<boolean>;
  /** The highest iteration count among imported Django hashes not yet rehashed; undefined when none remain. */
  legacyHashIterations(): Promise<number | undefined>;
}

export function createUserStore(db: Kysely<Database>): UserStore {
  const byName = (username: string) =>
    db
      .selectFrom("users")
      .selectAll()
      .where(sql<string>`lower(username)`, "=", username.toLowerCase())
      .executeTakeFirst();
  const nameOrLookAlikeTaken = async (username: string, skeleton: string) =>
    (await db
      .selectFrom("users")
      .select("id")
      .where((eb) =>
        eb.or([eb(sql<string>`lower(username)`, "=", username.toLowerCase()), eb("username_skeleton", "=", skeleton)]),
      )
      .executeTakeFirst()) !== undefined;

  return {
    async findByUsername(username) {
      const typed = usernameLookupForm(username);
      // Then as given: a row stored before usernames were normalized (0010) keeps signing in.
      const row = (await byName(typed)) ?? (typed !== username ? await byName(username) : undefined);
      return row && toUser(row);
    },
    async any() {
      return (await db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
    },
    async findByEmail(email) {
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where(sql<string>`lower(email)`, "=", email.toLowerCase())
        .executeTakeFirst();
      return row && toUser(row);
    },
    async findById(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toUser(row);
    },
    async create(user) {
      const username = normalizeUsername(user.username);
      const skeleton = usernameSkeleton(username);
      const now = new Date();
      try {
        const row = await db
          .insertInto("users")
          .values({
            id: randomUUID(),
            username,
            username_skeleton: skeleton,
            first_name: user.firstName ?? "",
            last_name: user.lastName ?? "",
            email: user.email ?? null,
            email_verified: user.emailVerified ?? false,
            password_hash: user.passwordHash,
            is_active: user.isActive ?? true,
            is_admin: user.isAdmin ?? false,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const { passwordHash: _hash, ...rest } = toUser(row);
        return rest;
      } catch (error) {
        if (isUniqueViolation(error)) {
          if (user.email && (await this.findByEmail(user.email)) && !(await nameOrLookAlikeTaken(username, skeleton))) {
            throw new EmailTakenError(`The address ${user.email} is taken`);
          }
          throw new UsernameTakenError(`Username ${username} is taken or looks like one that is`);
        }
        throw error;
      }
    },
    async updateProfile(id, change) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
        if (!row) return undefined;
        const previousEmail = row.email;
        const emailChanged = change.email !== undefined && !sameEmail(previousEmail, change.email);
        try {
          const updated = await trx
            .updateTable("users")
            .set({
              ...(change.firstName !== undefined ? { first_name: change.firstName } : {}),
              ...(change.lastName !== undefined ? { last_name: change.lastName } : {}),
              // Same address in another case: stored as given, still verified.
              ...(change.email !== undefined ? { email: change.email } : {}),
              ...(emailChanged ? { email_verified: false } : {}),
              updated_at: new Date(),
            })
            .where("id", "=", id)
            .returningAll()
            .executeTakeFirstOrThrow();
          const { passwordHash: _hash, ...user } = toUser(updated);
          return { user, previousEmail };
        } catch (error) {
          if (isUniqueViolation(error)) throw new EmailTakenError("The address is taken");
          throw error;
        }
      });
    },
    async attachEmail(id, email) {
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom("users").select("email").where("id", "=", id).executeTakeFirst();
          if (!row) return undefined;
          const updated = await trx
            .updateTable("users")
            .set({ email, email_verified: true, updated_at: new Date() })
            .where("id", "=", id)
            .returningAll()
            .executeTakeFirstOrThrow();
          const { passwordHash: _hash, ...user } = toUser(updated);
          return { user, previousEmail: row.email };
        });
      } catch (error) {
        if (isUniqueViolation(error)) return undefined;
        throw error;
      }
    },
    async markEmailVerified(id, email) {
      const result = await db
        .updateTable("users")
        .set({ email_verified: true, updated_at: new Date() })
        .where("id", "=", id)
        .where(sql<string>`lower(email)`, "=", email.toLowerCase())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async replacePasswordHash(id, expected, next) {
      const result = await db
        .updateTable("users")
        .set({ password_hash: next, updated_at: new Date() })
        .where("id", "=", id)
        .where("password_hash", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async legacyHashIterations() {
      const rows = await db
        .selectFrom("users")
        .select("password_hash")
        .where("password_hash", "like", "pbkdf2_sha256$%")
        .execute();
      let most: number | undefined;
      for (const { password_hash } of rows) {
        const iterations = parseDjangoHash(password_hash)?.iterations;
        if (iterations !== undefined && (most === undefined || iterations > most)) most = iterations;
      }
      return most;
    },
  };
}
