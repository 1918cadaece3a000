import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIN_SECRET_BYTES } from "@tollgate/auth";
import { ConfigError } from "./config.js";
import { isMemoryDataDir } from "./db/data-dir.js";

const SECRET_FILE = "auth-secret";

function readSecret(file: string): string {
  const secret = readFileSync(file, "utf8").trim();
  if (Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `Invalid configuration: ${file} holds a secret shorter than ${MIN_SECRET_BYTES} bytes; delete the file or set AUTH_SECRET`,
    );
  }
  return secret;
}

/**
 * Development convenience: a secret generated once and kept in DATA_DIR
 * (mode 0600) so sessions survive restarts. `memory://` gets a fresh one.
 * Production and shared databases require AUTH_SECRET (config.ts refuses to start without it).
 */
export function loadOrCreateSecret(dataDir: string): string {
  if (isMemoryDataDir(dataDir)) return randomBytes(32).toString("base64url");
  const file = join(dataDir, SECRET_FILE);
  try {
    return readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  // "wx": never overwrite a secret another process wrote a moment ago.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readSecret(file);
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}
