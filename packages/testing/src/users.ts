import { randomBytes } from "node:crypto";
import type { Tollgate } from "@tollgate/server";

/** A user to create; every field has a default. */
export interface NewTestUser {
  /** Default: `user-` and random hex. */
  readonly username?: string;
  /** Default: 24 random characters. */
  readonly password?: string;
  /** Default: none. */
  readonly email?: string;
  /** Whether the address counts as confirmed (needed for reset mails); default true when an email is given. */
  readonly emailVerified?: boolean;
  readonly firstName?: string;
  readonly lastName?: string;
}

/** A user as created: what a test signs in with. */
export interface TestUser {
  readonly id: string;
  /** As stored (normalized by Tollgate's username rules). */
  readonly username: string;
  readonly password: string;
  readonly email: string | null;
}

/** What user creation needs of a running Tollgate (`tollgate.services`, or `createApp`'s `app.services`). */
export type UserServices = Pick<Tollgate["services"], "auth" | "users">;

/**
 * Creates a user through Tollgate's own user store, the password hashed by
 * its own hasher (as `tollgate user:create` does): no SQL of the test's, so
 * the row is what Tollgate itself would write.
 */
export async function createTestUser(services: UserServices, user: NewTestUser = {}): Promise<TestUser> {
  const password = user.password ?? randomBytes(18).toString("base64url");
  const created = await services.users.create({
    username: user.username ?? `user-${randomBytes(6).toString("hex")}`,
    passwordHash: await services.auth.passwords.hash(password),
    ...(user.firstName !== undefined ? { firstName: user.firstName } : {}),
    ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
    ...(user.email !== undefined ? { email: user.email, emailVerified: user.emailVerified ?? true } : {}),
  });
  return { id: created.id, username: created.username, password, email: created.email };
}
