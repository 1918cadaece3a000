import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { usernameSkeleton } from "@tollgate/auth";
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { init } from "../src/db/migrations/0001_init.js";
import { sessionsRevokedAt } from "../src/db/migrations/0002_sessions_revoked_at.js";
import { signingKeys } from "../src/db/migrations/0003_signing_keys.js";
import { userEmail } from "../src/db/migrations/0004_user_email.js";
import { accountMail } from "../src/db/migrations/0005_account_mail.js";
import { setupTokens } from "../src/db/migrations/0006_setup_tokens.js";
import { mfa } from "../src/db/migrations/0007_mfa.js";
import type { Database } from "../src/db/schema.js";
import { openSqlite } from "../src/db/sqlite.js";
import { createSqliteAdapter } from "../src/db/sqlite-adapter.js";
import { createUserStore, UsernameTakenError } from "../src/stores/user-store.js";
import { backends, createPostgresDatabase } from "./support/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The migrations of the version before usernames had skeletons. */
function before0010(backend: "sqlite" | "postgres"): Record<string, Migration> {
  return {
    "0001_init": init(backend),
    "0002_sessions_revoked_at": sessionsRevokedAt(),
    "0003_signing_keys": signingKeys(backend),
    "0004_user_email": userEmail(backend),
    "0005_account_mail": accountMail(backend),
    "0006_setup_tokens": setupTokens(backend),
    "0007_mfa": mfa(backend),
  };
}

const CYRILLIC_ZOE = "z\u043e\u0435";

describe.each(backends())("migration 0010 (username skeletons) on %s", (backend) => {
  it("backfills existing users; where old look-alikes collide the oldest keeps the key, the others NULL, all still sign in", async () => {
    let databaseUrl: string | undefined;
    let dataDir = "memory://";
    let previous: Kysely<unknown>;
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      databaseUrl = created.url;
      previous = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: created.url }) }) });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), "tollgate-0007-"));
      previous = new Kysely({ dialect: new SqliteDialect({ database: createSqliteAdapter(openSqlite(dataDir)) }) });
    }
    const migrator = new Migrator({ db: previous, provider: { getMigrations: async () => before0010(backend) } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    // Rows as the previous version let them be written: not normalized, look-alikes side by side.
    const old = previous as Kysely<Database>;
    const rows = [
      { id: "u-zoe", username: "zoe", at: "2026-01-01T00:00:00.000Z" },
      { id: "u-bob", username: "bob", at: "2026-01-02T00:00:00.000Z" },
      { id: "u-zoe-cyrillic", username: CYRILLIC_ZOE, at: "2026-01-03T00:00:00.000Z" },
      { id: "u-zoe-space", username: "ZOE ", at: "2026-01-04T00:00:00.000Z" },
      { id: "u-fullwidth-ann", username: "ａｎｎ", at: "2026-01-05T00:00:00.000Z" },
    ];
    for (const row of rows) {
      const at = new Date(row.at);
      await old
        .insertInto("users")
        .values({ id: row.id, username: row.username, password_hash: "x", created_at: at, updated_at: at } as never)
        .execute();
    }
    await previous.destroy();

    const handle = await openDatabase({ databaseUrl, dataDir });
    cleanups.push(() => handle.close());
    const stored = await handle.db
      .selectFrom("users")
      .select(["id", "username_skeleton"])
      .orderBy("created_at")
      .execute();
    expect(stored).toEqual([
      { id: "u-zoe", username_skeleton: usernameSkeleton("zoe") },
      { id: "u-bob", username_skeleton: usernameSkeleton("bob") },
      { id: "u-zoe-cyrillic", username_skeleton: null },
      { id: "u-zoe-space", username_skeleton: null },
      // Keyed by its NFKC form: a new plain "ann" is a look-alike.
      { id: "u-fullwidth-ann", username_skeleton: usernameSkeleton("ann") },
    ]);

    const users = createUserStore(handle.db);
    expect((await users.findByUsername("zoe"))?.id).toBe("u-zoe");
    expect((await users.findByUsername(CYRILLIC_ZOE))?.id).toBe("u-zoe-cyrillic");
    // A row stored before normalization is still found as it was stored.
    expect((await users.findByUsername("ａｎｎ"))?.id).toBe("u-fullwidth-ann");
    // New look-alikes of any of them are refused through the keys that were kept.
    for (const lookAlike of ["z0e", "\u0430nn", "b\u043eb"]) {
      await expect(users.create({ username: lookAlike, passwordHash: "x" })).rejects.toBeInstanceOf(UsernameTakenError);
    }
    expect((await users.create({ username: "zoey", passwordHash: "x" })).username).toBe("zoey");
  });
});
