import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem } from "../src/node-version.js";
import { standaloneMain } from "./support/main-process.js";

const serverDir = fileURLToPath(new URL("..", import.meta.url));

/** A Node.js older than 24 on this machine (the system Node), if there is one. */
function olderNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["-p", "process.versions.node"]).toString().trim();
    if (Number.parseInt(version, 10) < 24) return candidate;
  }
  return undefined;
}

function runWith(node: string, script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ["--conditions=tollgate-source", "--import", "tsx", script, ...args], {
      cwd: serverDir,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: "memory://" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("Node.js version", () => {
  it("tests run on Node 24 or newer (the workspace's node package)", () => {
    expect(Number.parseInt(process.versions.node, 10)).toBeGreaterThanOrEqual(24);
  });

  it("names the version and what to do when Node is older than 24", () => {
    expect(nodeVersionProblem("24.0.0")).toBeUndefined();
    expect(nodeVersionProblem("25.2.1")).toBeUndefined();
    const problem = nodeVersionProblem("20.20.2");
    expect(problem).toMatch(
      /^Tollgate needs Node\.js 24 or newer, but this is Node\.js 20\.20\.2: run it through pnpm/,
    );
    expect(problem).not.toContain("\n");
  });

  const old = olderNode();
  it.runIf(old)("the standalone server refuses to start on an older Node with one line, exit code 1", async () => {
    const { code, stderr } = await runWith(old as string, standaloneMain, []);
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^Tollgate needs Node\.js 24 or newer, but this is Node\.js \d+\.\d+\.\d+: /);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it.runIf(old)(
    "the CLI (a library binary) on an older Node: the embedded database says what it needs, in one line",
    async () => {
      const { code, stderr } = await runWith(old as string, "src/cli/main.ts", ["sessions:revoke", "--username", "x"]);
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(
        /^Tollgate's embedded database needs Node 22\.16 or newer \(node:sqlite\), but this is Node \d+\.\d+\.\d+; set DATABASE_URL to use PostgreSQL, or upgrade Node$/,
      );
    },
  );
});
