import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLOutputValue } from "node:sqlite";
import { isMemoryDataDir } from "./data-dir.js";
import { assertNoPgliteData } from "./previous-version.js";

/** The embedded database's file inside DATA_DIR (with its -wal and -shm companions). */
const SQLITE_FILE = "tollgate.db";

/** How long a statement waits for another process's write lock (the CLI's) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const SQLITE_BUSY = 5;

/**
 * Usernames are unique ignoring case through an index on lower(username), and
 * looked up as `lower(username) = <JavaScript's toLowerCase>`. SQLite's own
 * lower() folds ASCII only ("Ä" stays "Ä"), so every connection replaces it
 * with JavaScript's full Unicode lowering: the index, the lookups and
 * PostgreSQL then agree. (Another tool writing to the users table must do the
 * same, or run REINDEX users_username_lower_idx afterwards.)
 */
function unicodeLower(value: SQLOutputValue): SQLOutputValue {
  return typeof value === "string" ? value.toLowerCase() : value;
}

/**
 * Switches a file to WAL. Switching needs an exclusive lock, and SQLite answers
 * SQLITE_BUSY at once (without waiting busy_timeout) when another process is
 * switching the same new file at that moment: retry until it is WAL (the
 * other process's switch counts) or the busy timeout has passed. Only a first
 * start on a new file ever waits here.
 */
function enableWal(database: DatabaseSync): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      database.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== SQLITE_BUSY || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Opens (creating if needed) the embedded database: DATA_DIR/tollgate.db, or
 * an in-memory one for `memory://`. Every process (server, CLI) sets:
 * - journal_mode=WAL: readers never block the writer, so the CLI can work
 *   while a server runs on the same file (SQLite's write lock serializes them);
 * - busy_timeout: a write waits up to BUSY_TIMEOUT_MS for the other's lock;
 * - synchronous=FULL: a commit is on disk before its response is sent (see
 *   docs/ARCHITECTURE.md, "Databases", for why not NORMAL);
 * - foreign keys on (sessions of a deleted user go with it, as on PostgreSQL).
 */
/** Owner-only: the database holds password hashes, sessions and queued mail. */
const FILE_MODE = 0o600;

/**
 * Runs `open` under umask 077, so the files SQLite creates (the database, its
 * -wal and -shm) are never readable by others, not even for a moment.
 * (Worker threads cannot change the umask: there chmodOwnerOnly alone applies.)
 */
function withPrivateUmask<T>(open: () => T): T {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    previous = undefined;
  }
  try {
    return open();
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/** Files made before (by an older version, or another umask) become owner-only too. SQLite gives new -wal/-shm files the database file's mode. */
function chmodOwnerOnly(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, FILE_MODE);
  }
}

export function openSqlite(dataDir: string): DatabaseSync {
  const memory = isMemoryDataDir(dataDir);
  if (!memory) {
    assertNoPgliteData(dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  const file = memory ? ":memory:" : join(dataDir, SQLITE_FILE);
  const database = withPrivateUmask(() => {
    const opened = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    try {
      if (!memory) enableWal(opened);
    } catch (error) {
      opened.close();
      throw error;
    }
    return opened;
  });
  try {
    if (!memory) chmodOwnerOnly(file);
    database.exec("PRAGMA synchronous = FULL");
    database.function("lower", { deterministic: true }, unicodeLower);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}
