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
import { UsernameTakenError, type UserStore } from "../stores/user-store.js";

export interface ImportReport {
  imported: number;
  alreadyPresent: number;
  skipped: { username: string; reason: string }[];
}

interface DjangoUserRow {
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
 */
export async function importDjangoUsers(fromUrl: string, users: UserStore): Promise<ImportReport> {
  const client = new pg.Client({ connectionString: fromUrl });
  await client.connect();
  let rows: DjangoUserRow[];
  try {
    rows = (
      await client.query<DjangoUserRow>(
        "SELECT username, first_name, last_name, email, is_active, password FROM auth_user ORDER BY id",
      )
    ).rows;
  } finally {
    await client.end();
  }

  const report: ImportReport = { imported: 0, alreadyPresent: 0, skipped: [] };
  for (const row of rows) {
    const reason = problem(row);
    const username = String(row.username ?? "");
    if (reason) {
      report.skipped.push({ username, reason });
      continue;
    }
    const existing = await users.findByUsername(username);
    if (existing?.username === username) {
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
      await users.create({
        username,
        email,
        emailVerified: email !== null,
        passwordHash: row.password as string,
        firstName: typeof row.first_name === "string" ? row.first_name.slice(0, 150) : "",
        lastName: typeof row.last_name === "string" ? row.last_name.slice(0, 150) : "",
        isActive: row.is_active !== false,
      });
      report.imported++;
    } catch (error) {
      if (error instanceof UsernameTakenError) {
        report.skipped.push({ username, reason: `looks like an existing username (Unicode confusables); ${RENAME}` });
      } else report.skipped.push({ username, reason: (error as Error).message });
    }
  }
  return report;
}
