import { AuthError } from "@tollgate/auth";
import type { UserStore, UserWithHash } from "../stores/user-store.js";

/** The user, when it still exists and is active; ACCOUNT_INACTIVE otherwise (a signed-in caller, a pending sign-in). */
export async function requireActiveUser(users: Pick<UserStore, "findById">, userId: string): Promise<UserWithHash> {
  const user = await users.findById(userId);
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "The account no longer exists or is inactive");
  return user;
}
