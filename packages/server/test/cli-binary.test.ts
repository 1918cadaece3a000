import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureBuilt } from "./support/built-package.js";

const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as {
  bin?: Record<string, string>;
};

/** Runs a built script as its own process with plain Node (no source condition, no tsx), only PATH set. */
function runBuilt(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the tollgate binary (built JavaScript; built here first only when dist is absent)", () => {
  it("is declared as the package's `tollgate` bin and starts with a node shebang", () => {
    expect(packageJson.bin?.tollgate).toBe("./dist/cli/main.js");
    const source = readFileSync(fileURLToPath(new URL("../src/cli/main.ts", import.meta.url)), "utf8");
    expect(source.split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("answers --help with its usage and exit code 0", async () => {
    ensureBuilt("auth", "dist/index.js");
    const bin = ensureBuilt("server", (packageJson.bin?.tollgate ?? "").replace(/^\.\//, ""));
    expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const { code, stdout, stderr } = await runBuilt(bin, ["--help"]);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Usage: /);
    expect(stdout).toContain("  user:create ");
    expect(code).toBe(0);
    const command = await runBuilt(bin, ["user:create", "-h"]);
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(/^Usage: tollgate user:create --username NAME/);
    const unknown = await runBuilt(bin, ["nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "nope"\./);
  });

  it("runs `tollgate doctor --json` (checks loaded on demand): the defaults give one note and exit 0", async () => {
    ensureBuilt("auth", "dist/index.js");
    const bin = ensureBuilt("server", (packageJson.bin?.tollgate ?? "").replace(/^\.\//, ""));
    const { code, stdout, stderr } = await runBuilt(bin, ["doctor", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; findings: { id: string }[] };
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => f.id)).toEqual(["TG-AUTH-SECRET-GENERATED"]);
  });
});
