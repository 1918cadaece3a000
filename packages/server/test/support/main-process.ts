import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

const serverDir = fileURLToPath(new URL("../..", import.meta.url));

/** The standalone server's entry point (apps/server), which runs this library from source under tsx. */
export const standaloneMain = fileURLToPath(new URL("../../../../apps/server/src/main.ts", import.meta.url));

/** Runs a server source script (`standaloneMain`, `src/cli/main.ts`) as its own process, with only the given environment. */
export function spawnSource(
  script: string,
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions = "pipe",
  cwd: string = serverDir,
): ChildProcess {
  // tsx is resolved from the server package even when the process runs elsewhere (a host app's folder).
  const tsx = import.meta.resolve("tsx");
  const entry = isAbsolute(script) ? script : join(serverDir, script);
  return spawn(process.execPath, ["--conditions=tollgate-source", "--import", tsx, entry, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio,
  });
}

export interface MainProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** The real standalone server (apps/server/src/main.ts) on a free port; resolves once it logs its URL. */
export function startMain(env: Record<string, string>): Promise<MainProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnSource(standaloneMain, [], { PORT: "0", LOG_LEVEL: "info", ...env }, [
      "ignore",
      "pipe",
      "inherit",
    ]);
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (!match?.[1]) return;
      // Keep draining the log so the child never blocks on a full pipe.
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      resolve({ child, url: match[1], exited });
    };
    child.stdout?.on("data", onData);
    child.on("error", reject);
    void exited.then((code) => reject(new Error(`server exited early with ${code}: ${out}`)));
  });
}
