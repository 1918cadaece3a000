import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  runCli as cli,
  createPostgresDatabase,
  data,
  errorOf,
  type MainProcess,
  startMain,
  TestBrowser,
} from "./support/index.js";

describe.each(backends())("CLI on %s, beside a running server", (backend) => {
  let env: Record<string, string>;
  let server: MainProcess;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    // The CLI shares the server's AUTH_SECRET: it seals the mails it queues (the "password changed" one).
    env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-cli-")),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
    };
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    server = await startMain({ ...env });
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await drop?.();
  });

  it("creates a user while the server runs, who then signs in through it, and refuses a duplicate", async () => {
    const created = await cli(
      ["user:create", "--username", "mallory", "--first-name", "Mal", "--last-name", "Lory", "--password-stdin"],
      env,
      "first password\n",
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created user mallory/);

    const browser = new TestBrowser(server.url);
    expect((await browser.login("mallory", "first password")).status).toBe(200);
    expect(data(await browser.query("user.me"))).toMatchObject({ username: "mallory", firstName: "Mal" });

    const again = await cli(["user:create", "--username", "MALLORY", "--password-stdin"], env, "another password\n");
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("A user named MALLORY already exists");
  });

  it("user:create applies the username rules: a look-alike of mallory or a zero-width name is refused", async () => {
    const lookAlike = await cli(["user:create", "--username", "m\u0430llory", "--password-stdin"], env, "a password\n");
    expect(lookAlike.code).toBe(1);
    expect(lookAlike.stderr.trim()).toBe("A user named m\u0430llory looks like an existing user's name");
    const invisible = await cli(["user:create", "--username", "eve\u200b", "--password-stdin"], env, "a password\n");
    expect(invisible.code).toBe(1);
    expect(invisible.stderr.trim()).toMatch(
      /^--username: The username must not contain control, format \(zero-width\)/,
    );
    const spaced = await cli(
      ["user:create", "--username", " ｔｒｅｎｔ ", "--password-stdin"],
      env,
      "trent password\n",
    );
    expect(spaced.stdout).toMatch(/Created user trent /);
  });

  it("sets a password and revokes sessions while the server runs; the server sees both at once", async () => {
    const browser = new TestBrowser(server.url);
    expect((await browser.login("mallory", "first password")).status).toBe(200);
    const set = await cli(["user:set-password", "--username", "mallory", "--password-stdin"], env, "second password\n");
    expect(set.code).toBe(0);
    // This session and the one of the test before.
    expect(set.stdout).toMatch(/Password of mallory changed; 2 session\(s\) ended/);
    expect((await browser.mutation("auth.refresh")).status).toBe(401);
    // Its access token too, within the contract's second.
    await expect.poll(async () => (await browser.query("user.me")).status, { timeout: 1500, interval: 100 }).toBe(401);
    expect((await new TestBrowser(server.url).login("mallory", "first password")).status).toBe(401);

    const next = new TestBrowser(server.url);
    expect((await next.login("mallory", "second password")).status).toBe(200);
    const revoke = await cli(["sessions:revoke", "--username", "mallory"], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/1 session\(s\) of mallory ended/);
    expect((await next.mutation("auth.refresh")).status).toBe(401);
  });

  it("user:grant-admin makes a user an administrator the running server honours at once; user:revoke-admin takes it away", async () => {
    const created = await cli(["user:create", "--username", "opal", "--password-stdin"], env, "opal password\n");
    expect(created.code).toBe(0);
    const browser = new TestBrowser(server.url);
    expect((await browser.login("opal", "opal password")).status).toBe(200);
    expect(errorOf(await browser.query("admin.users.list")).data.authCode).toBe("ADMIN_REQUIRED");
    const granted = await cli(["user:grant-admin", "--username", "opal"], env);
    expect(granted.code).toBe(0);
    expect(granted.stdout.trim()).toBe("opal is an administrator");
    expect((await browser.query("admin.users.list")).status).toBe(200);
    const revoked = await cli(["user:revoke-admin", "--username", "opal"], env);
    expect(revoked.stdout.trim()).toBe("opal is no longer an administrator");
    expect(errorOf(await browser.query("admin.users.list")).data.authCode).toBe("ADMIN_REQUIRED");
    const nobody = await cli(["user:grant-admin", "--username", "nobody"], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.trim()).toBe("No user named nobody");
  });

  it("reports unknown users and missing flags with exit 1, an unknown command with exit 2", async () => {
    expect((await cli(["sessions:revoke", "--username", "nobody"], env)).stderr.trim()).toBe("No user named nobody");
    const missing = await cli(["user:create", "--username", "x"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--password-stdin is required/);
    const unknown = await cli(["user:delete"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command/);
    const empty = await cli(["user:create", "--username", "y", "--password-stdin"], env, "\n");
    expect(empty.code).toBe(1);
  });

  it("user:create --email stores the address (verified: the operator vouches) and applies the password policy", async () => {
    const weak = await cli(["user:create", "--username", "nina", "--password-stdin"], env, "password1\n");
    expect(weak.code).toBe(1);
    expect(weak.stderr.trim()).toBe("The password is one of the most common passwords; choose another");
    const short = await cli(["user:create", "--username", "nina", "--password-stdin"], env, "short\n");
    expect(short.stderr.trim()).toBe("The password must have at least 8 characters");
    const same = await cli(
      ["user:create", "--username", "nina", "--email", "Nina@Example.org", "--password-stdin"],
      env,
      "nina@example.org\n",
    );
    expect(same.stderr.trim()).toBe("The password must not be the email address");
    const bad = await cli(["user:create", "--username", "nina", "--email", "nope", "--password-stdin"], env, "x\n");
    expect(bad.stderr.trim()).toBe("--email must be an email address");
    const created = await cli(
      ["user:create", "--username", "nina", "--email", "Nina@Example.org", "--password-stdin"],
      env,
      "nina's passphrase\n",
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const browser = new TestBrowser(server.url);
    expect((await browser.login("nina", "nina's passphrase")).status).toBe(200);
    expect(data(await browser.query("user.me"))).toMatchObject({ email: "Nina@Example.org", emailVerified: true });
    const taken = await cli(
      ["user:create", "--username", "nina2", "--email", "NINA@example.org", "--password-stdin"],
      env,
      "nina's passphrase\n",
    );
    expect(taken.stderr.trim()).toBe("A user with the address NINA@example.org already exists");
    const weakSet = await cli(["user:set-password", "--username", "nina", "--password-stdin"], env, "nina\n");
    expect(weakSet.stderr.trim()).toBe("The password must have at least 8 characters");
    const set = await cli(
      ["user:set-password", "--username", "nina", "--password-stdin"],
      env,
      "nina's new passphrase\n",
    );
    expect(set.code).toBe(0);
    // The "password changed" mail goes into the outbox; the running server sends it (here: an .eml file).
    const mailDir = join(env.DATA_DIR ?? "", "mail");
    const mails = () =>
      existsSync(mailDir)
        ? readdirSync(mailDir)
            .filter((file) => file.endsWith(".eml"))
            .map((file) => readFileSync(join(mailDir, file), "utf8"))
        : [];
    await expect
      .poll(
        () => mails().filter((eml) => /^To: nina@example\.org$/im.test(eml) && /Your password was changed/.test(eml)),
        { timeout: 8000, interval: 200 },
      )
      .toHaveLength(1);
  });
});

describe("CLI on a new embedded database", () => {
  it("two CLI processes starting together on an empty DATA_DIR migrate it once and both succeed", async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-cli-new-")) };
    const results = await Promise.all(
      ["ada", "bob"].map((name) =>
        cli(["user:create", "--username", name, "--password-stdin"], env, `${name} passphrase\n`),
      ),
    );
    for (const result of results) {
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }
    const revoke = await cli(["sessions:revoke", "--username", "bob"], env);
    expect(revoke.stdout.trim()).toBe("0 session(s) of bob ended");
  });
});
