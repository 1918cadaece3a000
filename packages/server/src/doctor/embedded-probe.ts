import { readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE } from "../db/data-dir-lock.js";
import type { EmbeddedFacts } from "./finding.js";

/**
 * statfs(2) magic numbers of filesystems whose files other machines share
 * (linux/magic.h). The DATA_DIR lock and SQLite's WAL both assume one host.
 */
const NETWORK_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, "nfs"],
  [0xff534d42, "cifs"],
  [0xfe534d42, "smb2"],
  [0x517b, "smb"],
  [0x00c36400, "ceph"],
  [0x5346414f, "afs"],
  [0x6b414653, "afs"],
  [0x65735546, "fuse (sshfs, glusterfs, s3fs, …)"],
  [0x01021997, "9p"],
]);

/** The filesystem's name when DATA_DIR is on a network one; undefined on a local disk or when DATA_DIR does not exist yet. */
export function networkFileSystemOf(dataDir: string): string | undefined {
  try {
    return NETWORK_FILESYSTEMS.get(statfsSync(dataDir).type);
  } catch {
    return undefined;
  }
}

/** A running server: whether DATA_DIR's lock (written by lockDataDir) still names this process. */
export function holdsDataDirLock(dataDir: string, pid: number = process.pid): boolean {
  try {
    return readFileSync(join(dataDir, LOCK_FILE), "utf8").trim() === String(pid);
  } catch {
    return false;
  }
}

/** What the CLI sees of the embedded database (no lock: it is not the server). */
export function embeddedFactsForCli(dataDir: string): EmbeddedFacts {
  return { networkFileSystem: networkFileSystemOf(dataDir), lockLost: false };
}

/** What a running server holding the DATA_DIR lock sees. */
export function embeddedFactsForServer(dataDir: string): EmbeddedFacts {
  return { networkFileSystem: networkFileSystemOf(dataDir), lockLost: !holdsDataDirLock(dataDir) };
}
