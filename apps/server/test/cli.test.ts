import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { backends, runCli as cli, createPostgresDatabase, TestBrowser, testConfig } from "./support/index.js";

describe.each(backends())("CLI on %s", (backend) => {
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    env = { DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-cli-")) };
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
  });
  afterAll(async () => drop?.());

  it("creates a user who can sign in, and refuses a duplicate", async () => {
    const created = await cli(
      ["user:create", "--username", "mallory", "--first-name", "Mal", "--last-name", "Lory", "--password-stdin"],
      env,
      "first password\n",
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created user mallory/);
    const again = await cli(["user:create", "--username", "MALLORY", "--password-stdin"], env, "x\n");
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("A user named MALLORY already exists");
  });

  it("sets a password, ending the user's sessions, and revokes sessions", async () => {
    const app = await createApp({
      config: testConfig({
        ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
        dataDir: env.DATA_DIR as string,
      }),
    });
    const url = await app.listen(0, "127.0.0.1");
    const browser = new TestBrowser(url);
    expect((await browser.login("mallory", "first password")).status).toBe(200);
    expect(data(await browser.query("user.me"))).toMatchObject({ firstName: "Mal", lastName: "Lory" });

    if (backend === "pglite") {
      // The server holds the embedded database: the CLI refuses and changes nothing.
      const refused = await cli(
        ["user:set-password", "--username", "mallory", "--password-stdin"],
        env,
        "second password\n",
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/in use by process \d+/);
      expect((await browser.mutation("auth.refresh")).status).toBe(200);
      await app.close();
    }

    const set = await cli(["user:set-password", "--username", "mallory", "--password-stdin"], env, "second password\n");
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/Password of mallory changed; 1 session\(s\) ended/);

    const revoke = await cli(["sessions:revoke", "--username", "mallory"], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/0 session\(s\) of mallory ended/);

    if (backend === "postgres") {
      expect((await browser.mutation("auth.refresh")).status).toBe(401);
      expect((await new TestBrowser(url).login("mallory", "second password")).status).toBe(200);
      expect((await new TestBrowser(url).login("mallory", "first password")).status).toBe(401);
      await app.close();
    }
  });

  it("reports unknown users, missing flags and unknown commands with exit 1", async () => {
    expect((await cli(["sessions:revoke", "--username", "nobody"], env)).stderr.trim()).toBe("No user named nobody");
    const missing = await cli(["user:create", "--username", "x"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--password-stdin is required/);
    const unknown = await cli(["user:delete"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown command/);
    const empty = await cli(["user:create", "--username", "y", "--password-stdin"], env, "\n");
    expect(empty.code).toBe(1);
  });
});

function data(res: { body: unknown }): unknown {
  return (res.body as { result: { data: unknown } }).result.data;
}
