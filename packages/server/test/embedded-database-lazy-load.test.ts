import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EMBEDDED_DATABASE_MIN_NODE, embeddedDatabaseNodeProblem } from "../src/index.js";

// The library runs on Node 22.16+ and 24, and with DATABASE_URL (PostgreSQL)
// even on a Node without node:sqlite: importing the package must not load it,
// and opening the embedded database on too old a Node fails with one line.

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const probe = "test/fixtures/embedded-database-probe.ts";

interface ProbeResult {
  afterImport: boolean;
  afterOpen: boolean;
  openError?: { name: string; message: string };
}

function runProbe(node: string, args: string[]): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ["--conditions=tollgate-source", "--import", "tsx", probe, ...args], {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: "postgres://postgres@127.0.0.1:1/unused",
        NODE_NO_WARNINGS: "1",
      },
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
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`probe exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ProbeResult);
    });
  });
}

/** The system Node when it is older than the embedded database's floor (Node 20 on these machines). */
function olderNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["-p", "process.versions.node"]).toString().trim();
    if (embeddedDatabaseNodeProblem(version)) return candidate;
  }
  return undefined;
}

describe("node:sqlite is loaded only for the embedded database", () => {
  it("names the floor, the running version and both ways out, in one line", () => {
    expect(EMBEDDED_DATABASE_MIN_NODE).toBe("22.16.0");
    for (const fine of ["22.16.0", "22.22.1", "23.11.0", "24.0.0", "25.1.0"]) {
      expect(embeddedDatabaseNodeProblem(fine)).toBeUndefined();
    }
    for (const old of ["20.20.2", "22.13.1", "22.15.1"]) {
      const problem = embeddedDatabaseNodeProblem(old);
      expect(problem).toBe(
        `Tollgate's embedded database needs Node 22.16 or newer (node:sqlite), but this is Node ${old}; set DATABASE_URL to use PostgreSQL, or upgrade Node`,
      );
    }
  });

  it("importing the package leaves node:sqlite unloaded; opening the embedded database loads it", async () => {
    expect(await runProbe(process.execPath, [])).toEqual({ afterImport: false, afterOpen: false });
    // The probe sees a load when there is one.
    expect(await runProbe(process.execPath, ["open"])).toEqual({ afterImport: false, afterOpen: true });
  });

  const old = olderNode();
  it.runIf(old)(
    "on an older Node the package imports, and the embedded database refuses with the one line",
    async () => {
      const result = await runProbe(old as string, ["open"]);
      expect(result.afterImport).toBe(false);
      expect(result.afterOpen).toBe(false);
      expect(result.openError?.name).toBe("EmbeddedDatabaseNodeError");
      expect(result.openError?.message).toMatch(
        /^Tollgate's embedded database needs Node 22\.16 or newer \(node:sqlite\), but this is Node 20\./,
      );
    },
  );
});
