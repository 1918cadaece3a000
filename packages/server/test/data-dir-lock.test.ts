import { type ChildProcess, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "../src/db/data-dir-lock.js";
import { spawnSource } from "./support/index.js";

const freshDir = () => mkdtempSync(join(tmpdir(), "tollgate-lock-"));
const lockFile = (dir: string) => join(dir, "tollgate.pid");

/** The pid of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  if (!pid) throw new Error("no pid");
  return pid;
}

function aged(file: string, seconds: number): void {
  const past = new Date(Date.now() - seconds * 1000);
  utimesSync(file, past, past);
}

const ROUNDS = 40;

/**
 * `count` processes race for the locks of DATA_DIRs <base>/0 … <base>/ROUNDS-1,
 * all trying each one at the same instant. Resolves with the winners of each
 * round (the processes' answers, in order) once every racer is done.
 */
async function race(base: string, count: number): Promise<{ winners: number[]; finish(): Promise<void> }> {
  const children: ChildProcess[] = [];
  const outputs = Array.from({ length: count }, () => "");
  const waitFor = (i: number, marker: string) =>
    new Promise<void>((resolve, reject) => {
      const child = children[i];
      const check = () => {
        if (outputs[i]?.includes(marker)) resolve();
      };
      child?.stdout?.on("data", check);
      child?.on("exit", (code) => reject(new Error(`racer exited with ${code}: ${outputs[i]}`)));
      check();
    });
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawnSource("test/fixtures/take-data-dir-lock.ts", [base], {}, ["pipe", "pipe", "inherit"]);
    child.stdout?.prependListener("data", (d) => {
      outputs[i] += String(d);
    });
    children.push(child);
    ready.push(waitFor(i, "ready\n"));
  }
  await Promise.all(ready);
  const done = children.map((_, i) => waitFor(i, "done\n"));
  const go = `go ${Date.now() + 300} ${ROUNDS} 15\n`;
  for (const child of children) child.stdin?.write(go);
  await Promise.all(done);
  const winners = Array.from({ length: ROUNDS }, () => 0);
  for (const output of outputs) {
    expect(output).not.toMatch(/error/);
    for (const match of output.matchAll(/^(\d+) won$/gm)) {
      const round = Number(match[1]);
      winners[round] = (winners[round] ?? 0) + 1;
    }
  }
  return {
    winners,
    async finish() {
      const exits = children.map((c) => new Promise((exited) => c.once("exit", exited)));
      for (const child of children) child.stdin?.end();
      await Promise.all(exits);
    },
  };
}

/** Every round's DATA_DIR, left empty: no lock, temp or takeover file behind. */
function leftovers(base: string): string[] {
  return readdirSync(base).flatMap((round) => readdirSync(join(base, round)).map((f) => `${round}/${f}`));
}

describe("data-dir lock (one server per DATA_DIR)", () => {
  it("of 6 processes racing for a free lock, exactly one wins (40 rounds)", async () => {
    const base = freshDir();
    const { winners, finish } = await race(base, 6);
    expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
    await finish();
    expect(leftovers(base)).toEqual([]);
  });

  it("of 6 processes racing to take over a stale lock (its process gone), exactly one wins (40 rounds)", async () => {
    const base = freshDir();
    const dead = deadPid();
    for (let round = 0; round < ROUNDS; round++) {
      mkdirSync(join(base, String(round)));
      writeFileSync(lockFile(join(base, String(round))), `${dead}\n`);
    }
    const { winners, finish } = await race(base, 6);
    expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
    await finish();
    expect(leftovers(base)).toEqual([]);
  });

  it("takes a free lock with its pid, refuses a second taker, and releases", () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(dir), "utf8").trim()).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile(dir))).toBe(false);
    expect(lockDataDir("memory://")).toBeTypeOf("function");
  });

  it("refuses while a live process holds it, naming the process", () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
    expect(readFileSync(lockFile(dir), "utf8").trim()).toBe(String(process.ppid));
  });

  it("treats an empty or unreadable lock as held while young, as stale once old", () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), "");
    expect(() => lockDataDir(dir)).toThrow(/in use by another process/);
    writeFileSync(lockFile(dir), "garbage");
    expect(() => lockDataDir(dir)).toThrow(/in use by another process/);
    aged(lockFile(dir), 60);
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(dir), "utf8").trim()).toBe(String(process.pid));
    release();
  });

  it("takes over a lock holding its own pid (a container restarted with the same pid)", () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), `${process.pid}\n`);
    lockDataDir(dir)();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it("gets past a takeover file left by a process that died taking over", () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), `${deadPid()}\n`);
    writeFileSync(`${lockFile(dir)}.takeover`, `${deadPid()}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(dir), "utf8").trim()).toBe(String(process.pid));
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("release leaves alone a lock that is no longer its own", () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    writeFileSync(lockFile(dir), `${process.ppid}\n`);
    release();
    expect(readFileSync(lockFile(dir), "utf8").trim()).toBe(String(process.ppid));
  });
});
