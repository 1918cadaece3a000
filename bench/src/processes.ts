import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const NODE_ARGS = ["--conditions=tollgate-source", "--import", "tsx"];

/** Runs a bench script in a child process and parses the JSON line it prints. */
export function runScript<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, `${here}${script}`, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as T);
      } catch (error) {
        reject(error);
      }
    });
  });
}

export interface ServerChild {
  readonly child: ChildProcess;
  readonly url: string;
  readonly bareUrl: string;
  readonly pid: number;
  /** Milliseconds from spawn to its first line (listening, migrated). */
  readonly startMs: number;
  stop(): Promise<void>;
}

export function startServerChild(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerChild> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Built JavaScript, no loader and no source condition: what production runs.
    const child = spawn(process.execPath, ["--enable-source-maps", ...nodeArgs, `${here}server-child.mjs`], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    const onData = (d: Buffer) => {
      buffered += d;
      const line = buffered.split("\n")[0];
      if (!buffered.includes("\n") || !line) return;
      child.stdout?.off("data", onData);
      const info = JSON.parse(line) as { url: string; bareUrl: string; pid: number };
      resolve({
        child,
        ...info,
        startMs: performance.now() - started,
        stop: () =>
          new Promise((done) => {
            child.once("close", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout?.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => reject(new Error(`server exited early with ${code}`)));
  });
}

const TICK_MS = 10; // Linux USER_HZ = 100

/** CPU time (user + system) a process has used, in ms, from /proc. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
