import { AuthError, type Sessions } from "@tollgate/auth";
import { accountName, passwordChangedMail } from "../mail/templates.js";
import type { AnySignInMethod, MethodHookServices } from "../methods/method.js";
import type { Services } from "../services.js";
import type { AccountTokenStore } from "../stores/account-token-store.js";
import type { OutgoingMail } from "../stores/mail-outbox-store.js";
import type { PendingSignInStore } from "../stores/pending-sign-in-store.js";
import type { User, UserStore, UserWithHash } from "../stores/user-store.js";
import { hookServices, methodsOf } from "./served-methods.js";

/** What setting a password needs: the same for auth.changePassword, auth.resetPassword and the CLI. */
export interface SetPasswordDeps {
  readonly users: Pick<UserStore, "replacePasswordHash">;
  readonly hasher: { hash(password: string): Promise<string> };
  readonly tokens: Pick<AccountTokenStore, "voidAll">;
  readonly pendingSignIns: Pick<PendingSignInStore, "endAll">;
  readonly sessions: Pick<Sessions, "revokeAllForUser">;
  readonly methods: readonly AnySignInMethod[];
  readonly hookServices: MethodHookServices;
  /** Queues a security notice (never dropped by the mail quota). */
  notify(mail: OutgoingMail): Promise<void>;
}

/** SetPasswordDeps from a Tollgate instance's services. */
export function setPasswordDeps(services: Services): SetPasswordDeps {
  return {
    users: services.users,
    hasher: services.auth.passwords,
    tokens: services.tokens,
    pendingSignIns: services.pendingSignIns,
    sessions: services.auth.sessions,
    methods: methodsOf(services),
    hookServices: hookServices(services),
    notify: async (mail) => {
      await services.mailer.enqueue(mail, { kind: "notice" });
    },
  };
}

/**
 * Sets `user`'s password to `newPassword` (already checked against the
 * policy) and ends what the old one opened (endWhatThePasswordOpened). The
 * hash is swapped only if it is still the one read
 * (PASSWORD_CHANGED_CONCURRENTLY otherwise), so of two racing changes one
 * wins. Returns how many sessions ended.
 */
export async function setPassword(deps: SetPasswordDeps, user: UserWithHash, newPassword: string): Promise<number> {
  const hash = await deps.hasher.hash(newPassword);
  if (!(await deps.users.replacePasswordHash(user.id, user.passwordHash, hash))) {
    throw new AuthError("PASSWORD_CHANGED_CONCURRENTLY", "The password was changed meanwhile; try again");
  }
  return endWhatThePasswordOpened(deps, user);
}

/**
 * After `user`'s password hash was replaced: mailed links, sign-ins waiting
 * for their second factor and every session end; methods hear of it
 * (onPasswordChanged), and the owner is told. Returns how many sessions ended.
 */
export async function endWhatThePasswordOpened(
  deps: Omit<SetPasswordDeps, "users" | "hasher">,
  user: User,
): Promise<number> {
  // A reset link to an old address, an unlock link: none outlives the password.
  await deps.tokens.voidAll(user.id);
  // A sign-in begun with the old password must not finish with a code now.
  await deps.pendingSignIns.endAll(user.id);
  for (const method of deps.methods) await method.hooks?.onPasswordChanged?.(deps.hookServices, user.id);
  const ended = await deps.sessions.revokeAllForUser(user.id, "password_changed");
  if (user.email) await deps.notify(passwordChangedMail(user.email, accountName(user)));
  return ended;
}
