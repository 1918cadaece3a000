import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isMemoryDataDir } from "./data-dir.js";

/** The embedded database is in use by another process (a running server or CLI). */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is a single-process database: a second process opening the same
 * directory would corrupt it. A pid file claims DATA_DIR; a stale one (its
 * process gone) is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  if (isMemoryDataDir(dataDir)) return () => {};
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, "tollgate.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dataDir} is in use by process ${pid} (a running Tollgate server?). Stop it first, or use DATABASE_URL.`,
        );
      }
      unlinkSync(file);
    }
  }
  throw new DataDirLockedError(`Could not lock ${dataDir}`);
}
