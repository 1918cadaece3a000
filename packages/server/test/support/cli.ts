import { spawnSource } from "./main-process.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm cli …` as its own process (what an operator runs), with only the given environment. */
export function runCli(args: string[], env: Record<string, string>, stdin = "", cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnSource("src/cli/main.ts", args, env, "pipe", cwd);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(stdin);
  });
}
