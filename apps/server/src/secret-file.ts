import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MEMORY_DATA_DIR = "memory://";
const SECRET_FILE = "auth-secret";

/**
 * Development convenience: a secret generated once and kept in DATA_DIR
 * (mode 0600) so sessions survive restarts. `memory://` gets a fresh one.
 * Production requires AUTH_SECRET (env.ts refuses to start without it).
 */
export function loadOrCreateSecret(dataDir: string): string {
  if (dataDir === MEMORY_DATA_DIR) return randomBytes(32).toString("base64url");
  const file = join(dataDir, SECRET_FILE);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  // "wx": never overwrite a secret another process wrote a moment ago.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}
