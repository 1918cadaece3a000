import { randomUUID } from "node:crypto";
import { parseDjangoHash } from "@tollgate/auth";
import { type Kysely, sql } from "kysely";
import type { Database, UserRow } from "../db/schema.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export interface User {
  readonly id: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly isActive: boolean;
}

export interface UserWithHash extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly isActive?: boolean;
}

export class UsernameTakenError extends Error {
  override readonly name = "UsernameTakenError";
}

function toUser(row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    isActive: Boolean(row.is_active),
    passwordHash: row.password_hash,
  };
}

export interface UserStore {
  findByUsername(username: string): Promise<UserWithHash | undefined>;
  findById(id: string): Promise<UserWithHash | undefined>;
  /** Throws UsernameTakenError when the username exists (ignoring case). */
  create(user: NewUser): Promise<User>;
  /** Replaces the hash only if it is still `expected` (a concurrent change wins). */
  replacePasswordHash(id: string, expected: string, next: string): Promise<boolean>;
  /** The highest iteration count among imported Django hashes not yet rehashed; undefined when none remain. */
  legacyHashIterations(): Promise<number | undefined>;
}

export function createUserStore(db: Kysely<Database>): UserStore {
  return {
    async findByUsername(username) {
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where(sql<string>`lower(username)`, "=", username.toLowerCase())
        .executeTakeFirst();
      return row && toUser(row);
    },
    async findById(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toUser(row);
    },
    async create(user) {
      const now = new Date();
      try {
        const row = await db
          .insertInto("users")
          .values({
            id: randomUUID(),
            username: user.username,
            first_name: user.firstName ?? "",
            last_name: user.lastName ?? "",
            password_hash: user.passwordHash,
            is_active: user.isActive ?? true,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const { passwordHash: _hash, ...rest } = toUser(row);
        return rest;
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new UsernameTakenError(`Username ${user.username} is taken`);
        }
        throw error;
      }
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
