import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMemoryDataDir } from "./data-dir.js";

/** Another Tollgate server runs on this DATA_DIR. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

/** DATA_DIR/tollgate.pid: the running server's pid (the doctor reads it too). */
export const LOCK_FILE = "tollgate.pid";
/** A lock file without a readable pid is someone's lock being written, unless older than this. */
const UNREADABLE_GRACE_MS = 5000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Who holds the lock file now: its pid, or undefined when the file is gone. */
interface Holder {
  readonly pid: number | undefined;
  readonly stale: boolean;
}

function readHolder(file: string): Holder | undefined {
  let text: string;
  let modified: number;
  try {
    text = readFileSync(file, "utf8").trim();
    modified = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const pid = /^\d+$/.test(text) ? Number(text) : undefined;
  if (pid === undefined || pid <= 0) {
    // Empty or garbled (an older version mid-write, a full disk): held, until it is old.
    return { pid: undefined, stale: Date.now() - modified > UNREADABLE_GRACE_MS };
  }
  // Our own pid is a leftover (a container restarted with the same pid), never another server.
  return { pid, stale: pid === process.pid || !alive(pid) };
}

/** A new file holding our pid, complete before anyone can see it under the lock's name. */
function writeTemp(dataDir: string): string {
  const temp = join(dataDir, `${LOCK_FILE}.${process.pid}.${randomBytes(6).toString("hex")}`);
  writeFileSync(temp, `${process.pid}\n`, { mode: 0o600, flag: "wx" });
  return temp;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** link() fails with EEXIST when the name is taken: the atomic "create if absent". */
function linkIfAbsent(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Keeps a second server off one DATA_DIR: each keeps state in memory (rate
 * limits, caches) that would silently diverge. The CLI does not take it;
 * SQLite itself lets the CLI work beside a running server.
 *
 * The lock is DATA_DIR/tollgate.pid holding the server's pid, created
 * atomically: the pid is written to a temp file first, which link() then puts
 * in place only if no lock exists, so no one ever sees an empty lock and of
 * processes racing for a free lock exactly one wins. A stale lock (its
 * process gone; or empty/garbled and older than a few seconds) is taken over
 * by one process at a time (a second link()ed file, `tollgate.pid.takeover`),
 * which re-reads the lock and only then renames its own file over it.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  if (isMemoryDataDir(dataDir)) return () => {};
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  const takeover = `${file}.takeover`;
  const temp = writeTemp(dataDir);
  const release = () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (linkIfAbsent(temp, file)) return release;
      const holder = readHolder(file);
      if (holder === undefined) continue; // released meanwhile: try again
      if (!holder.stale) {
        const who = holder.pid === undefined ? "another process" : `process ${holder.pid}`;
        throw new DataDirLockedError(
          `DATA_DIR ${dataDir} is in use by ${who} (another Tollgate server?): stop it first, give this one its own DATA_DIR, or use DATABASE_URL. If no server runs, delete ${file}.`,
        );
      }
      if (tookOver(file, takeover, temp, holder, dataDir)) return release;
    }
    throw new DataDirLockedError(`Could not lock DATA_DIR ${dataDir}: ${file} keeps changing`);
  } finally {
    removeQuietly(temp);
  }
}

/** Replaces a stale lock with ours, one process at a time. False: someone else moved first; look again. */
function tookOver(file: string, takeover: string, temp: string, seen: Holder, dataDir: string): boolean {
  if (!linkIfAbsent(temp, takeover)) {
    // Another process is taking over: let it finish. One killed inside those
    // few synchronous steps leaves the takeover file behind, its pid gone:
    // clear it, then look again.
    if (readHolder(takeover)?.stale) removeQuietly(takeover);
    else sleep(5);
    return false;
  }
  try {
    // Holding the takeover file, nobody else may replace the lock; its owner is
    // gone, so nobody removes it either. Re-read: is it still the stale one?
    const now = readHolder(file);
    if (now === undefined || !now.stale || now.pid !== seen.pid) return false;
    const fresh = writeTemp(dataDir);
    try {
      renameSync(fresh, file);
    } catch (error) {
      removeQuietly(fresh);
      throw error;
    }
    return true;
  } finally {
    unlinkSync(takeover);
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
