import { pbkdf2Sync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { importDjangoUsers } from "../src/cli/django-import.js";
import { createPostgresDatabase, runCli, startTestServer, TestBrowser } from "./support/index.js";

/** Django's PBKDF2PasswordHasher: pbkdf2_sha256$<iterations>$<salt>$base64(PBKDF2-HMAC-SHA256). */
function djangoHash(password: string, salt: string, iterations = 1000): string {
  const digest = pbkdf2Sync(password, salt, iterations, 32, "sha256").toString("base64");
  return `pbkdf2_sha256$${iterations}$${salt}$${digest}`;
}

// Django's auth_user, as `manage.py migrate` creates it.
const AUTH_USER = `CREATE TABLE auth_user (
  id serial PRIMARY KEY,
  password varchar(128) NOT NULL,
  last_login timestamptz NULL,
  is_superuser boolean NOT NULL DEFAULT false,
  username varchar(150) NOT NULL UNIQUE,
  first_name varchar(150) NOT NULL DEFAULT '',
  last_name varchar(150) NOT NULL DEFAULT '',
  email varchar(254) NOT NULL DEFAULT '',
  is_staff boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  date_joined timestamptz NOT NULL DEFAULT now()
)`;

describe.runIf(process.env.TEST_DATABASE_URL)("importing users from a Django database", () => {
  it("imports pbkdf2_sha256 users who then sign in with their old passwords, rehashed to argon2id", async () => {
    const django = await createPostgresDatabase();
    const server = await startTestServer("sqlite");
    try {
      const client = new pg.Client({ connectionString: django.url });
      await client.connect();
      await client.query(AUTH_USER);
      const insert =
        "INSERT INTO auth_user (username, password, first_name, last_name, is_active) VALUES ($1, $2, $3, $4, $5)";
      await client.query(insert, ["olivia", djangoHash("olivia's old password", "s4ltOlivia"), "Olivia", "Oak", true]);
      await client.query(insert, ["peggy", djangoHash("peggy pw", "s4ltPeggy", 870000), "Peggy", "", true]);
      await client.query(insert, ["retired", djangoHash("gone", "s4ltRetired"), "", "", false]);
      await client.query(insert, ["nopass", "!unusablepasswordmarker", "", "", true]);
      await client.query(insert, ["bcrypt", "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuv", "", "", true]);
      await client.query(insert, ["broken", "pbkdf2_sha256$1000$onlythree", "", "", true]);
      await client.query("UPDATE auth_user SET email = 'Olivia@Example.org' WHERE username = 'olivia'");
      // Django does not make addresses unique: the second holder is imported without it.
      await client.query("UPDATE auth_user SET email = 'olivia@example.org' WHERE username = 'peggy'");
      await client.end();

      const report = await importDjangoUsers(django.url, server.app.services.users);
      expect(report.imported).toBe(3);
      expect(report.alreadyPresent).toBe(0);
      expect(report.skipped.map((s) => s.username).sort()).toEqual(["bcrypt", "broken", "nopass"]);

      const again = await importDjangoUsers(django.url, server.app.services.users);
      expect(again).toMatchObject({ imported: 0, alreadyPresent: 3 });

      // The same through the CLI, into an embedded database of its own.
      const dataDir = mkdtempSync(join(tmpdir(), "tollgate-import-"));
      const first = await runCli(["user:import-django", "--from", django.url], { DATA_DIR: dataDir });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Imported 3 user\(s\); 0 already present; 3 skipped$/m);
      expect(first.stdout).toMatch(/skipped "nopass": password is not a pbkdf2_sha256 hash/);
      const second = await runCli(["user:import-django", "--from", django.url], { DATA_DIR: dataDir });
      expect(second.stdout).toMatch(/^Imported 0 user\(s\); 3 already present; 3 skipped$/m);
      const bad = await runCli(["user:import-django", "--from", "mysql://nope"], { DATA_DIR: dataDir });
      expect(bad.code).toBe(1);

      const browser = new TestBrowser(server.url);
      const res = await browser.login("olivia", "olivia's old password");
      expect(res.status).toBe(200);
      expect((res.body as { result: { data: { user: unknown } } }).result.data.user).toMatchObject({
        username: "olivia",
        firstName: "Olivia",
        lastName: "Oak",
        email: "Olivia@Example.org",
        emailVerified: true,
      });
      expect(await server.app.services.users.findByUsername("peggy")).toMatchObject({ email: null });
      const stored = await server.app.services.users.findByUsername("olivia");
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      expect((await new TestBrowser(server.url).login("olivia", "olivia's old password")).status).toBe(200);
      expect((await new TestBrowser(server.url).login("peggy", "peggy pw")).status).toBe(200);
      expect((await new TestBrowser(server.url).login("olivia", "wrong")).status).toBe(401);
      // Inactive in Django stays unable to sign in.
      expect((await new TestBrowser(server.url).login("retired", "gone")).status).toBe(401);
    } finally {
      await server.close();
      await django.drop();
    }
  });

  it("reports usernames that break the rules, would change when normalized, or look like another, and imports none of them", async () => {
    const django = await createPostgresDatabase();
    const server = await startTestServer("sqlite");
    try {
      const client = new pg.Client({ connectionString: django.url });
      await client.connect();
      await client.query(AUTH_USER);
      const insert = "INSERT INTO auth_user (username, password) VALUES ($1, $2)";
      for (const username of ["zoe", "z\u043e\u0435", "zoe\u200b", " zoe", "ZOE", "ｕｌａ", "quinn"]) {
        await client.query(insert, [username, djangoHash("a password", `s4lt${username.length}`)]);
      }
      await client.end();

      const report = await importDjangoUsers(django.url, server.app.services.users);
      expect(report.imported).toBe(2);
      const reasons = Object.fromEntries(report.skipped.map((s) => [s.username, s.reason]));
      expect(reasons).toEqual({
        "z\u043e\u0435": "looks like an existing username (Unicode confusables); rename it in Django first",
        "zoe\u200b":
          "The username must not contain control, format (zero-width), private-use, unassigned or surrogate characters",
        " zoe": 'is "zoe" once normalized (NFKC, trimmed); rename it in Django first',
        ZOE: "another user has this username ignoring case; rename it in Django first",
        ｕｌａ: 'is "ula" once normalized (NFKC, trimmed); rename it in Django first',
      });
      expect(await server.app.services.users.findByUsername("quinn")).toBeDefined();
      // Run again: the two imported are already present, the others reported again.
      const again = await importDjangoUsers(django.url, server.app.services.users);
      expect(again).toMatchObject({ imported: 0, alreadyPresent: 2 });
      expect(again.skipped).toHaveLength(5);
    } finally {
      await server.close();
      await django.drop();
    }
  });
});
