import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What only some deployments use is loaded when first needed, not at start:
// an embedded server with no SMTP, Redis or metrics, and nobody yet using a
// passkey, TOTP or a new password, holds none of these packages.

const serverDir = fileURLToPath(new URL("..", import.meta.url));

function loadedBy(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=tollgate-source", "--import", "tsx", "test/fixtures/optional-modules-probe.ts", ...args],
      {
        cwd: serverDir,
        env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
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
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as string[]);
    });
  });
}

describe("optional packages are loaded when first needed", () => {
  it("an embedded server at rest holds no passkey library, mail transport, QR encoder, metrics, Redis or pg client, nor the password dictionary", async () => {
    expect(await loadedBy([])).toEqual([]);
  });

  it("the probe sees a load when there is one (a new password, a passkey ceremony)", async () => {
    expect(await loadedBy(["use"])).toEqual(["@simplewebauthn/server", "@zxcvbn-ts/language-common"]);
  });
});
