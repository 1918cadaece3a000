import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/usage.js";
import { runCli } from "./support/index.js";

// The command line itself, as `npx tollgate` runs it: help exits 0 on stdout,
// a wrong command line exits 2 with the usage on stderr (and touches nothing),
// a failed command exits 1.

const env = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-cli-usage-")) });
const commands = Object.keys(COMMANDS);

describe("tollgate --help and usage errors", () => {
  it("--help, -h and `help` at the top print every command and exit 0", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const { code, stdout, stderr } = await runCli(args, env());
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: tollgate <command> \[options\]/);
      for (const command of commands) expect(stdout).toContain(`  ${command} `);
    }
  });

  it.each(commands)(
    "%s --help and -h print that command's usage and exit 0, without opening a database",
    async (command) => {
      for (const flag of ["--help", "-h"]) {
        // A DATABASE_URL nobody listens on: help must not try it.
        const { code, stdout, stderr } = await runCli([command, flag], {
          ...env(),
          DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
        });
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(stdout.split("\n")[0]).toBe(
          `Usage: tollgate ${command}${COMMANDS[command]?.synopsis ? ` ${COMMANDS[command]?.synopsis}` : ""}`,
        );
      }
    },
  );

  it("an unknown command, an unknown option or no command: usage on stderr, nothing on stdout, exit 2", async () => {
    const unknown = await runCli(["user:delete", "--username", "x"], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^Unknown command "user:delete"\.\n\nUsage: tollgate <command>/);

    const option = await runCli(["sessions:revoke", "--user", "x"], env());
    expect(option.code).toBe(2);
    expect(option.stdout).toBe("");
    expect(option.stderr).toMatch(/^Unknown option '--user'/);
    expect(option.stderr).toContain("Usage: tollgate <command>");

    const none = await runCli([], env());
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^No command given\.\n\nUsage: tollgate <command>/);
  });

  it("keys:status under HS256 says that AUTH_SECRET signs and there is nothing to rotate", async () => {
    const { code, stdout, stderr } = await runCli(["keys:status"], env());
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      "ACCESS_TOKEN_ALG is HS256 (the default): access tokens are signed with AUTH_SECRET, no key pairs to rotate; " +
        "to change the secret without signing anyone out, put the old one in AUTH_SECRET_PREVIOUS.",
    );
    expect(stdout).not.toMatch(/No signing keys yet/);
  });

  it("reads a .env of the current directory; a variable already set wins", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-cli-dotenv-"));
    writeFileSync(join(dir, ".env"), `DATA_DIR=${join(dir, "from-dotenv")}\nACCESS_TOKEN_ALG=EdDSA\n`);
    const fromFile = await runCli(["keys:status"], {}, "", dir);
    expect(fromFile.stderr).toBe("");
    expect(fromFile.stdout.trim()).toBe("No signing keys yet: the server generates one at its first start");
    const overridden = await runCli(["keys:status"], { ACCESS_TOKEN_ALG: "HS256" }, "", dir);
    expect(overridden.stdout).toMatch(/^ACCESS_TOKEN_ALG is HS256/);
  });
});
