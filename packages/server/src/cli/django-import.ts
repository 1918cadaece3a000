import {
  isDjangoHash,
  MAX_DJANGO_ITERATIONS,
  MAX_PASSWORD_LENGTH,
  parseDjangoHash,
  usernameLookupForm,
  usernameRuleBroken,
  usernameRuleMessage,
} from "@tollgate/auth";
import pg from "pg";
import type { DjangoStore } from "../methods/django-compat/store.js";
import { UsernameTakenError, type UserStore } from "../stores/user-store.js";
import { followDeletedUsers, followDjangoRow, type ImportFollowUps } from "./django-follow.js";

export type { ImportFollowUps } from "./django-follow.js";

export interface ImportReport {
  imported: number;
  alreadyPresent: number;
  skipped: { username: string; reason: string }[];
  /** Django ids recorded for Tollgate users (imported now or before), for the SimpleJWT cutover. */
  mapped: number;
  /** Imported users whose password changed in Django since, and who never signed in to Tollgate: the new hash is copied. */
  passwordsUpdated: number;
  /** Imported users made inactive in (or deleted from) Django since: inactive in Tollgate too, their sessions ended. */
  deactivated: number;
  /** Django users whose Tollgate account was deleted since they were imported: never brought back. */
  stayDeleted: number;
  /** SimpleJWT's outstanding tokens copied (token_blacklist app), and how many of them are blacklisted; 0 without the app. */
  tokens: number;
  blacklisted: number;
}

interface DjangoUserRow {
  id: unknown;
  username: unknown;
  first_name: unknown;
  last_name: unknown;
  email: unknown;
  is_active: unknown;
  password: unknown;
}

const RENAME = "rename it in Django first";

function problem(row: DjangoUserRow): string | undefined {
  if (typeof row.username !== "string" || row.username.length < 1 || row.username.length > 150) {
    return "username must have 1 to 150 characters";
  }
  const rule = usernameRuleBroken(row.username);
  if (rule) return usernameRuleMessage(rule);
  // Never changed silently: the user would have to sign in under a name they never chose.
  const normalized = usernameLookupForm(row.username);
  if (normalized !== row.username) return `is ${JSON.stringify(normalized)} once normalized (NFKC, trimmed); ${RENAME}`;
  if (typeof row.password !== "string" || !isDjangoHash(row.password) || row.password.length > MAX_PASSWORD_LENGTH) {
    return "password is not a pbkdf2_sha256 hash (unusable or another hasher)";
  }
  if (!parseDjangoHash(row.password)) {
    return `password hash is malformed or out of bounds (at most ${MAX_DJANGO_ITERATIONS} iterations, a 32-byte key)`;
  }
  return undefined;
}

/**
 * Copies users from a Django database's auth_user table with their
 * pbkdf2_sha256 hashes (verified at sign-in, then rehashed to argon2id).
 * Each user is one insert: a bad row is reported and skipped, never half
 * imported; existing usernames are left alone, so running it again is safe.
 * A username is imported only as it is: one that breaks Tollgate's username
 * rules, that normalization would change, that another user has in another
 * case, or that looks like an existing one (same skeleton) is reported.
 * Django's email (blank: none) comes over marked verified: Django keeps no
 * such flag, and its users have been signing in with it; a second user with
 * the same address (Django does not make it unique) is imported without one.
 * With `compat` (the CLI always passes it) each user's Django id is recorded
 * (imported now, or by an earlier run: then only when the user still holds
 * that row's hash), and SimpleJWT's outstanding and blacklisted tokens are
 * copied when the token_blacklist app was used: what the Django surface
 * needs to accept the app's tokens during the cutover
 * (methods/django-compat). Run again just before the cutover to pick up the
 * latest blacklistings, password changes and deactivations (`followUps`).
 */
export async function importDjangoUsers(
  fromUrl: string,
  users: UserStore,
  compat?: DjangoStore,
  followUps?: ImportFollowUps,
): Promise<ImportReport> {
  const client = new pg.Client({ connectionString: fromUrl });
  await client.connect();
  let rows: DjangoUserRow[];
  let tokens: OutstandingTokenRow[] = [];
  try {
    rows = (
      await client.query<DjangoUserRow>(
        "SELECT id, username, first_name, last_name, email, is_active, password FROM auth_user ORDER BY id",
      )
    ).rows;
    if (compat) tokens = await readOutstandingTokens(client);
  } finally {
    await client.end();
  }

  const report: ImportReport = {
    imported: 0,
    alreadyPresent: 0,
    skipped: [],
    mapped: 0,
    passwordsUpdated: 0,
    deactivated: 0,
    stayDeleted: 0,
    tokens: 0,
    blacklisted: 0,
  };
  /** Records the Django id of a user now in Tollgate under the same username. */
  const map = async (row: DjangoUserRow, userId: string) => {
    if (compat && (await compat.mapUser(String(row.id), userId))) report.mapped++;
  };
  for (const row of rows) {
    const reason = problem(row);
    const username = String(row.username ?? "");
    // Users imported before are followed whatever their row looks like now (an unusable password, a rename).
    const imported =
      compat && row.id !== null && row.id !== undefined ? await compat.importedAs(String(row.id)) : undefined;
    if (imported === null) {
      report.stayDeleted++;
      continue;
    }
    if (imported !== undefined) {
      if (followUps) await followDjangoRow(users, followUps, row, imported, report);
      report.alreadyPresent++;
      continue;
    }
    if (reason) {
      report.skipped.push({ username, reason });
      continue;
    }
    const existing = await users.findByUsername(username);
    if (existing?.username === username) {
      // An account made in Tollgate (the first-run administrator, say) must never be reachable with the
      // Django user's tokens. One still holding this row's own salted hash was imported from it (by a run
      // that recorded no ids): that proves it, and it is mapped.
      if (existing.passwordHash === row.password) {
        await map(row, existing.id);
        if (followUps) await followDjangoRow(users, followUps, row, existing.id, report);
      }
      report.alreadyPresent++;
      continue;
    }
    if (existing) {
      // Django's usernames are unique with case; Tollgate's ignoring it.
      report.skipped.push({ username, reason: `another user has this username ignoring case; ${RENAME}` });
      continue;
    }
    let email = typeof row.email === "string" && /^[^\s@]+@[^\s@]+$/.test(row.email.trim()) ? row.email.trim() : null;
    if (email && email.length > 254) email = null;
    if (email && (await users.findByEmail(email))) email = null;
    try {
      const created = await users.create({
        username,
        email,
        emailVerified: email !== null,
        passwordHash: row.password as string,
        firstName: typeof row.first_name === "string" ? row.first_name.slice(0, 150) : "",
        lastName: typeof row.last_name === "string" ? row.last_name.slice(0, 150) : "",
        isActive: row.is_active !== false,
      });
      report.imported++;
      await map(row, created.id);
    } catch (error) {
      if (error instanceof UsernameTakenError) {
        report.skipped.push({ username, reason: `looks like an existing username (Unicode confusables); ${RENAME}` });
      } else report.skipped.push({ username, reason: (error as Error).message });
    }
  }
  if (compat && followUps) {
    await followDeletedUsers(users, compat, followUps, new Set(rows.map((row) => String(row.id))), report);
  }
  for (const token of tokens) {
    await compat?.saveToken({
      jti: token.jti,
      djangoUserId: token.user_id === null ? null : String(token.user_id),
      expiresAt: token.expires_at,
      blacklistedAt: token.blacklisted_at,
    });
    report.tokens++;
    if (token.blacklisted_at !== null) report.blacklisted++;
  }
  return report;
}

interface OutstandingTokenRow {
  jti: string;
  user_id: number | string | null;
  expires_at: Date | null;
  blacklisted_at: Date | null;
}

/**
 * SimpleJWT's token_blacklist tables, when the app used them: every
 * outstanding token not yet expired, with when it was blacklisted. Without
 * the tables (the app never installed token_blacklist) there is nothing to
 * copy, and nothing Django refused can be told apart: say so in the docs.
 */
async function readOutstandingTokens(client: pg.Client): Promise<OutstandingTokenRow[]> {
  const present = await client.query<{ found: string | null }>(
    "SELECT to_regclass('token_blacklist_outstandingtoken')::text AS found",
  );
  if (!present.rows[0]?.found) return [];
  const result = await client.query<OutstandingTokenRow>(
    `SELECT o.jti, o.user_id, o.expires_at, b.blacklisted_at
       FROM token_blacklist_outstandingtoken o
       LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id
      WHERE o.expires_at > now()
      ORDER BY o.id`,
  );
  return result.rows;
}
