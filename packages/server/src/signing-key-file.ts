import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAsymmetricAlgorithm, type SigningKeyStore, type StoredSigningKey } from "@tollgate/auth";

/** The embedded deployment's signing keys, beside its database and generated secret. */
export const SIGNING_KEY_FILE = "signing-keys.json";
/** Held by the writer (server at first start, `pnpm cli keys:rotate`) while it replaces the file. */
const LOCK_SUFFIX = ".lock";
/** A lock older than this was left by a writer that died: taken over. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

interface FileKey {
  kid: string;
  alg: string;
  generation: number;
  createdAt: string;
  activatesAt: string;
  privateJwk: StoredSigningKey["privateJwk"];
}

function parse(text: string, file: string): StoredSigningKey[] {
  const bad = (why: string) =>
    new TypeError(`${file} is not a Tollgate signing key file (${why}); restore it or delete it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw bad("no keys list");
  return keys.map((entry: FileKey) => {
    const createdAt = Date.parse(entry?.createdAt);
    const activatesAt = Date.parse(entry?.activatesAt);
    if (
      typeof entry?.kid !== "string" ||
      !isAsymmetricAlgorithm(entry.alg) ||
      !Number.isInteger(entry.generation) ||
      Number.isNaN(createdAt) ||
      Number.isNaN(activatesAt) ||
      typeof entry.privateJwk?.d !== "string"
    ) {
      throw bad("a malformed key");
    }
    return {
      kid: entry.kid,
      alg: entry.alg,
      generation: entry.generation,
      privateJwk: entry.privateJwk,
      createdAt,
      activatesAt,
    };
  });
}

function serialize(keys: readonly StoredSigningKey[]): string {
  const entries: FileKey[] = keys.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    generation: k.generation,
    createdAt: new Date(k.createdAt).toISOString(),
    activatesAt: new Date(k.activatesAt).toISOString(),
    privateJwk: k.privateJwk,
  }));
  return `${JSON.stringify({ keys: entries }, null, 2)}\n`;
}

/**
 * Signing keys in `DATA_DIR/signing-keys.json` (mode 0600, like the generated
 * secret). Readers (the server, every few seconds) read the whole file;
 * writers take a lock file, then replace the file by rename, so a reader sees
 * the old set or the new one, never half of either.
 */
export function createFileSigningKeyStore(dataDir: string): SigningKeyStore {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const lock = `${file}${LOCK_SUFFIX}`;

  function read(): StoredSigningKey[] {
    try {
      return parse(readFileSync(file, "utf8"), file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  function write(keys: readonly StoredSigningKey[]): void {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, serialize(keys));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  }

  function tryLock(): boolean {
    try {
      closeSync(openSync(lock, "wx", 0o600));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
    } catch {
      // gone meanwhile: try again
    }
    return false;
  }

  async function locked<T>(change: () => T): Promise<T> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (!tryLock()) {
      if (Date.now() > deadline) throw new Error(`${lock} is held by another writer; remove it if none runs`);
      await sleep(50);
    }
    try {
      return change();
    } finally {
      unlinkSync(lock);
    }
  }

  return {
    async list() {
      return read();
    },
    add(key) {
      return locked(() => {
        const keys = read();
        if (keys.some((k) => k.generation === key.generation || k.kid === key.kid)) return false;
        write([...keys, key]);
        return true;
      });
    },
    remove(kids) {
      return locked(() => write(read().filter((k) => !kids.includes(k.kid))));
    },
  };
}
