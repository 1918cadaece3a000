import { randomBytes } from "node:crypto";
import type { UserWithHash } from "../stores/user-store.js";

/**
 * The password hash of an account without a password (made through another
 * provider): Django's mark of an unusable password, "!" and random, which no
 * password ever verifies (the hasher checks only argon2id and pbkdf2 hashes,
 * after the same hashing time). A mailed reset link can still give it one.
 */
export function unusablePasswordHash(): string {
  return `!${randomBytes(24).toString("base64url")}`;
}

/** Whether the account can prove itself with a password (step-up offers it; unlinking its last identity is allowed). */
export function hasUsablePassword(user: UserWithHash): boolean {
  return !user.passwordHash.startsWith("!");
}
