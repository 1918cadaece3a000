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

/** A server under test in its own process: its URL, pid (for CPU and memory) and a way to stop it. */
export interface Child {
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn to its first line (listening, migrated). */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** Tollgate's server child, with a bare node:http endpoint (the ceiling, and the event-loop delay) beside it. */
export interface ServerChild extends Child {
  readonly bareUrl: string;
}

export function startServerChild(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerChild> {
  return startChild<ServerChild>("server-child.mjs", env, nodeArgs);
}

/**
 * Starts a plain-JavaScript child (no loader: what production runs) that
 * prints one JSON line with at least its url and pid once it serves.
 */
export function startChild<T extends Child>(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<T> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", ...nodeArgs, `${here}${script}`], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    const onData = (d: Buffer) => {
      buffered += d;
      const line = buffered.split("\n")[0];
      if (!buffered.includes("\n") || !line) return;
      child.stdout?.off("data", onData);
      const info = JSON.parse(line) as Omit<T, "child" | "startMs" | "stop">;
      resolve({
        ...info,
        child,
        startMs: performance.now() - started,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("close", () => done());
            child.kill("SIGTERM");
          }),
      } as T);
    };
    child.stdout?.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => reject(new Error(`${script} exited early with ${code}`)));
  });
}

/** Resolves once `url` answers 2xx (polling every 20 ms). */
export async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
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

export interface IdleRss {
  /** MB per pid shortly after the load stopped. */
  readonly soon: number[];
  /** MB per pid after a longer idle time (V8 gives back the heap it grew under load only after some seconds idle). */
  readonly settled: number[];
}

/** Resident memory of idle processes, `soonMs` and `settledMs` after the call. */
export async function idleRss(pids: readonly number[], soonMs: number, settledMs: number): Promise<IdleRss> {
  await new Promise((r) => setTimeout(r, soonMs));
  const soon = pids.map(rssMb);
  await new Promise((r) => setTimeout(r, Math.max(0, settledMs - soonMs)));
  return { soon, settled: pids.map(rssMb) };
}
