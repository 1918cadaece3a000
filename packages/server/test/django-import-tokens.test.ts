import { pbkdf2Sync, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import { importDjangoUsers } from "../src/cli/django-import.js";
import { createDjangoStore } from "../src/methods/django-compat/store.js";
import { djangoTables } from "../src/methods/django-compat/tables.js";
import { createAdminStore } from "../src/stores/admin-store.js";
import {
  type Backend,
  backends,
  createClock,
  createPostgresDatabase,
  runCli,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

const SECRET_KEY = "import-test-key-0123456789abcdefghijklmnopqrstuv!@#$%^&*(";

// Django's auth_user and SimpleJWT's token_blacklist tables, as `manage.py migrate` creates them.
const SCHEMA = [
  `CREATE TABLE auth_user (
    id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL,
    is_superuser boolean NOT NULL DEFAULT false, username varchar(150) NOT NULL UNIQUE,
    first_name varchar(150) NOT NULL DEFAULT '', last_name varchar(150) NOT NULL DEFAULT '',
    email varchar(254) NOT NULL DEFAULT '', is_staff boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true, date_joined timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE token_blacklist_outstandingtoken (
    id bigserial PRIMARY KEY, token text NOT NULL, created_at timestamptz NULL, expires_at timestamptz NOT NULL,
    user_id integer NULL REFERENCES auth_user (id) ON DELETE SET NULL, jti varchar(255) NOT NULL UNIQUE)`,
  `CREATE TABLE token_blacklist_blacklistedtoken (
    id bigserial PRIMARY KEY, blacklisted_at timestamptz NOT NULL,
    token_id bigint NOT NULL UNIQUE REFERENCES token_blacklist_outstandingtoken (id) ON DELETE CASCADE)`,
];

function djangoHash(password: string, salt: string): string {
  return `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync(password, salt, 1000, 32, "sha256").toString("base64")}`;
}

/** A Django database (auth_user, with `schema`'s other tables) beside a Tollgate test server, dropped after `run`. */
async function withDjango(
  backend: Backend,
  schema: readonly string[],
  run: (fixture: {
    clock: ReturnType<typeof createClock>;
    url: string;
    server: TestServer;
    client: pg.Client;
  }) => Promise<void>,
): Promise<void> {
  const clock = createClock();
  const django = await createPostgresDatabase();
  const server = await startTestServer(backend, {
    clock,
    config: { djangoCompat: true, djangoSecretKey: SECRET_KEY, djangoCutoverUntil: clock.now() + 86_400_000 },
  });
  const client = new pg.Client({ connectionString: django.url });
  try {
    await client.connect();
    for (const statement of schema) await client.query(statement);
    await run({ clock, url: django.url, server, client });
  } finally {
    await client.end();
    await server.close();
    await django.drop();
  }
}

describe.runIf(process.env.TEST_DATABASE_URL).each(backends())("importing SimpleJWT's state into %s", (backend) => {
  it("maps Django ids and copies outstanding and blacklisted tokens; the surface then honours them", () =>
    withDjango(backend, SCHEMA, async ({ clock, url, server, client }) => {
      // Ids as Django gave them, with a gap: the mapping must not assume they are dense.
      await client.query(
        "INSERT INTO auth_user (id, username, password, first_name) VALUES (41, 'olivia', $1, 'Olivia'), (57, 'peggy', $2, 'Peggy'), (63, 'admin', $3, '')",
        [djangoHash("olivia pw", "s4ltA"), djangoHash("peggy pw", "s4ltB"), djangoHash("admin pw", "s4ltC")],
      );
      // Tollgate's own administrator, made before the import under the same name as a Django user.
      const tollgateAdmin = await server.createUser("admin", "the tollgate admin's passphrase");
      const now = Math.floor(clock.now() / 1000);
      const mint = (userId: number, jti: string) =>
        new SignJWT({ token_type: "refresh", jti, user_id: userId })
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setIssuedAt(now)
          .setExpirationTime(now + 86_400)
          .sign(new TextEncoder().encode(SECRET_KEY));
      const live = randomUUID().replaceAll("-", "");
      const rotated = randomUUID().replaceAll("-", "");
      const later = randomUUID().replaceAll("-", "");
      const djangoAdmins = randomUUID().replaceAll("-", "");
      const outstanding =
        "INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti) VALUES ($1, now(), now() + interval '1 day', $2, $3) RETURNING id";
      for (const [userId, jti] of [
        [41, live],
        [41, rotated],
        [57, later],
        [63, djangoAdmins],
      ] as const) {
        await client.query(outstanding, [await mint(userId, jti), userId, jti]);
      }
      // SimpleJWT's BLACKLIST_AFTER_ROTATION: the rotated refresh token is blacklisted.
      await client.query(
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT now(), id FROM token_blacklist_outstandingtoken WHERE jti = $1",
        [rotated],
      );

      const store = createDjangoStore(djangoTables(server.database), clock.now);
      const report = await importDjangoUsers(url, server.app.services.users, store);
      expect(report).toMatchObject({ imported: 2, alreadyPresent: 1, mapped: 2, tokens: 4, blacklisted: 1 });
      expect(await store.userIdOf("41")).toBe((await server.app.services.users.findByUsername("olivia"))?.id);
      // The account that existed in Tollgate is never reachable with the Django user's tokens.
      expect(await store.userIdOf("63")).toBeUndefined();
      expect(await store.djangoIdOf(tollgateAdmin)).toBeUndefined();

      const exchange = async (token: string) =>
        (
          await new TestBrowser(server.url).request("POST", "/accounts/auth/refresh_token/", undefined, {
            headers: { cookie: `refresh_token=${token}` },
          })
        ).status;
      expect(await exchange(await mint(41, rotated))).toBe(401);
      expect(await exchange(await mint(63, djangoAdmins))).toBe(401);
      const b = new TestBrowser(server.url);
      expect(
        (
          await b.request("POST", "/accounts/auth/refresh_token/", undefined, {
            headers: { cookie: `refresh_token=${await mint(41, live)}` },
          })
        ).status,
      ).toBe(200);
      expect((await b.request("GET", "/accounts/user/", undefined)).body).toEqual({
        id: 41,
        username: "olivia",
        first_name: "Olivia",
        last_name: "",
      });

      // Blacklisted in Django after the first import: the next run picks it up, and changes nothing else.
      await client.query(
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT now(), id FROM token_blacklist_outstandingtoken WHERE jti = $1",
        [later],
      );
      const again = await importDjangoUsers(url, server.app.services.users, store);
      expect(again).toMatchObject({ imported: 0, alreadyPresent: 3, mapped: 0, blacklisted: 2 });
      expect(await exchange(await mint(57, later))).toBe(401);

      // The CLI: creates the method's tables in a database never served with it, and reports the tokens.
      const dataDir = mkdtempSync(join(tmpdir(), "tollgate-import-tokens-"));
      const cli = await runCli(["user:import-django", "--from", url], { DATA_DIR: dataDir });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toMatch(/^Imported 3 user\(s\); 0 already present; 0 skipped$/m);
      expect(cli.stdout).toMatch(/^Django ids mapped: 3 new; SimpleJWT tokens copied: 4 \(2 blacklisted\)$/m);
    }));

  it("maps users an earlier run imported without ids, then follows Django's password changes and deactivations", () =>
    withDjango(backend, [SCHEMA[0] as string], async ({ clock, url, server, client }) => {
      const printed: string[] = [];
      /** The CLI's own command, in this process, on the server's database. */
      const importCommand = () =>
        runCommand(
          "user:import-django",
          { from: url },
          {
            database: server.database,
            sessions: server.app.services.auth.sessions,
            io: { readPassword: async () => "", print: (line) => printed.push(line) },
          },
        );
      const signIn = async (username: string, password: string) => {
        const b = new TestBrowser(server.url);
        const result = await b.request("POST", "/accounts/auth/login/", JSON.stringify({ username, password }));
        return { b, status: result.status };
      };
      const mint = (userId: number, claims: Record<string, unknown> = {}) =>
        new SignJWT({ token_type: "access", jti: randomUUID().replaceAll("-", ""), user_id: userId, ...claims })
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setIssuedAt(Math.floor(clock.now() / 1000))
          .setExpirationTime(Math.floor(clock.now() / 1000) + 300)
          .sign(new TextEncoder().encode(SECRET_KEY));
      const me = async (token: string) =>
        (
          await new TestBrowser(server.url).request("GET", "/accounts/user/", undefined, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;
      const line = () => printed.find((l) => l.startsWith("Changed in Django since the last run:"));
      const users: [number, string, string][] = [
        [5, "olivia", djangoHash("olivia pw", "s4ltA")],
        [6, "peggy", djangoHash("peggy pw", "s4ltB")],
        [7, "zed", djangoHash("zed pw", "s4ltC")],
        [8, "quentin", djangoHash("quentin pw", "s4ltD")],
        [9, "rosa", djangoHash("rosa pw", "s4ltE")],
        [10, "sven", djangoHash("sven pw", "s4ltF")],
        [11, "tara", djangoHash("tara pw", "s4ltG")],
      ];
      for (const [id, username, hash] of users) {
        await client.query("INSERT INTO auth_user (id, username, password) VALUES ($1, $2, $3)", [id, username, hash]);
      }
      // Made in Tollgate under a Django user's name: never mapped, whatever the runs.
      const tollgateZed = await server.createUser("zed", "tollgate zed's passphrase");
      // A run that recorded no Django ids (users only).
      expect(await importDjangoUsers(url, server.app.services.users)).toMatchObject({ imported: 6, mapped: 0 });
      // Deactivated in Django before the run that maps her: mapped and deactivated by the same run.
      await client.query("UPDATE auth_user SET is_active = false WHERE id = 11");

      await importCommand();
      expect(printed).toContain("Django ids mapped: 6 new; SimpleJWT tokens copied: 0 (0 blacklisted)");
      expect(line()).toBe(
        "Changed in Django since the last run: 0 password(s) copied; 1 user(s) deactivated; 0 deleted in Tollgate, not brought back",
      );
      const store = createDjangoStore(djangoTables(server.database), clock.now);
      expect(await store.userIdOf("5")).toBe((await server.app.services.users.findByUsername("olivia"))?.id);
      expect(await store.userIdOf("7")).toBeUndefined();
      expect(await store.djangoIdOf(tollgateZed)).toBeUndefined();
      expect((await server.app.services.users.findByUsername("tara"))?.isActive).toBe(false);

      // Olivia signs in to Tollgate (her hash becomes argon2id). Then, in Django: both Olivia and Peggy change
      // their passwords, Olivia is deactivated, Quentin's password is made unusable, Rosa is deleted; Sven is
      // deleted in Tollgate.
      const olivia = await signIn("olivia", "olivia pw");
      expect(olivia.status).toBe(200);
      const peggysToken = await mint(6);
      expect(await me(peggysToken)).toBe(200);
      await client.query("UPDATE auth_user SET password = $1, is_active = false WHERE id = 5", [
        djangoHash("olivia new pw", "s4ltH"),
      ]);
      await client.query("UPDATE auth_user SET password = $1 WHERE id = 6", [djangoHash("peggy new pw", "s4ltI")]);
      await client.query("UPDATE auth_user SET password = '!unusable0123456789' WHERE id = 8");
      await client.query("DELETE FROM auth_user WHERE id = 9");
      const sven = (await server.app.services.users.findByUsername("sven"))?.id as string;
      await createAdminStore(server.database.db).delete(sven);

      printed.length = 0;
      await importCommand();
      expect(line()).toBe(
        "Changed in Django since the last run: 2 password(s) copied; 2 user(s) deactivated; 1 deleted in Tollgate, not brought back",
      );
      // Peggy never signed in to Tollgate with a password: Django's is the current one, and counts as a change:
      // her Django tokens end.
      expect(await me(peggysToken)).toBe(401);
      expect((await signIn("peggy", "peggy pw")).status).toBe(401);
      expect((await signIn("peggy", "peggy new pw")).status).toBe(200);
      // Quentin's password is unusable now, as in Django.
      expect((await signIn("quentin", "quentin pw")).status).toBe(401);
      // Olivia is inactive, and the session she had is over; Rosa, gone from Django, is inactive too.
      expect((await olivia.b.request("GET", "/accounts/user/", undefined)).status).toBe(401);
      expect((await server.app.services.users.findByUsername("olivia"))?.isActive).toBe(false);
      expect((await server.app.services.users.findByUsername("rosa"))?.isActive).toBe(false);
      // Each change is in the account's activity, naming where it came from.
      const details = await server.database.db
        .selectFrom("audit_events")
        .select(["username", "detail"])
        .where("detail", "like", "%tollgate user:import-django%")
        .orderBy("username")
        .execute();
      expect(details).toEqual([
        { username: "olivia", detail: "user.disabled (as in Django) by the operator (tollgate user:import-django)" },
        { username: "peggy", detail: "password copied from Django by the operator (tollgate user:import-django)" },
        { username: "quentin", detail: "password copied from Django by the operator (tollgate user:import-django)" },
        { username: "rosa", detail: "user.disabled (as in Django) by the operator (tollgate user:import-django)" },
        { username: "tara", detail: "user.disabled (as in Django) by the operator (tollgate user:import-django)" },
      ]);
      // Sven, deleted in Tollgate, is not brought back.
      expect(await server.app.services.users.findByUsername("sven")).toBeUndefined();

      // A further run changes nothing.
      printed.length = 0;
      await importCommand();
      expect(line()).toBe(
        "Changed in Django since the last run: 0 password(s) copied; 0 user(s) deactivated; 1 deleted in Tollgate, not brought back",
      );
      expect(printed[0]).toBe("Imported 0 user(s); 5 already present; 0 skipped");
    }));

  it("imports users alone when the token_blacklist app was never installed", () =>
    withDjango(backend, [SCHEMA[0] as string], async ({ clock, url, server, client }) => {
      await client.query("INSERT INTO auth_user (username, password) VALUES ('quinn', $1)", [djangoHash("q", "s4ltQ")]);
      const store = createDjangoStore(djangoTables(server.database), clock.now);
      const report = await importDjangoUsers(url, server.app.services.users, store);
      expect(report).toMatchObject({ imported: 1, mapped: 1, tokens: 0, blacklisted: 0 });
    }));
});
