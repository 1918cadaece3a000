import { isDjangoHash, parseDjangoHash } from "@tollgate/auth";
import { unusablePasswordHash } from "../core/usable-password.js";
import type { DjangoStore } from "../methods/django-compat/store.js";
import type { User, UserStore } from "../stores/user-store.js";

/** What a run of the import may do to users it imported before. */
export interface ImportFollowUps {
  /** Makes an imported user inactive and ends every session of theirs. */
  deactivate(user: User): Promise<void>;
  /** Their password hash was replaced: what the old password opened ends, as with any password change. */
  passwordChanged(user: User): Promise<void>;
}

/** What following Django changed, for the import's report. */
export interface FollowCounts {
  passwordsUpdated: number;
  deactivated: number;
}

/** The fields of an auth_user row that following needs. */
export interface FollowedRow {
  readonly id: unknown;
  readonly is_active: unknown;
  readonly password: unknown;
}

/**
 * The hash Tollgate should hold for a Django password now: a valid
 * pbkdf2_sha256 hash as it is, an unusable one (Django's "!", set when the
 * account lost its password) as Tollgate's own unusable mark; undefined for
 * what Tollgate cannot follow (another hasher: most often the same password
 * rehashed at a Django sign-in, so the copy already held is kept).
 */
function followedHash(password: unknown): string | undefined {
  if (typeof password !== "string") return undefined;
  if (password.startsWith("!")) return unusablePasswordHash();
  return isDjangoHash(password) && parseDjangoHash(password) ? password : undefined;
}

/**
 * Keeps a user imported before in step with their Django row until the
 * cutover. A password changed there is copied while Tollgate still holds a
 * Django hash (once the user has signed in to Tollgate, or changed the
 * password in it, Tollgate's is the newer one), and counts as a password
 * change: sessions and the user's Django tokens end. A user deactivated
 * there is deactivated here. Never the other way: a user Tollgate
 * deactivated stays so, and nothing is ever reactivated.
 */
export async function followDjangoRow(
  users: UserStore,
  followUps: ImportFollowUps,
  row: FollowedRow,
  userId: string,
  counts: FollowCounts,
): Promise<void> {
  const user = await users.findById(userId);
  if (!user) return;
  const next = isDjangoHash(user.passwordHash) ? followedHash(row.password) : undefined;
  if (next !== undefined && next !== user.passwordHash) {
    if (await users.replacePasswordHash(user.id, user.passwordHash, next)) {
      await followUps.passwordChanged(user);
      counts.passwordsUpdated++;
    }
  }
  if (row.is_active === false && user.isActive) {
    await followUps.deactivate(user);
    counts.deactivated++;
  }
}

/**
 * Users deleted from Django since they were imported: deactivated here (and
 * their sessions and Django tokens end), as a deactivation there would be.
 */
export async function followDeletedUsers(
  users: UserStore,
  compat: DjangoStore,
  followUps: ImportFollowUps,
  djangoIds: ReadonlySet<string>,
  counts: FollowCounts,
): Promise<void> {
  for (const { djangoId, userId } of await compat.mappings()) {
    if (djangoIds.has(djangoId)) continue;
    const user = await users.findById(userId);
    if (!user?.isActive) continue;
    await followUps.deactivate(user);
    counts.deactivated++;
  }
}
