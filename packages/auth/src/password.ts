import { pbkdf2, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { createSemaphore } from "./semaphore.js";

const pbkdf2Async = promisify(pbkdf2);

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const DEFAULT_ARGON2_PARAMS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Passwords longer than this are refused before hashing (hashing cost is not the attacker's to choose). */
export const MAX_PASSWORD_LENGTH = 1024;
/** A stored Django hash with more iterations than this is refused rather than burning CPU. */
const MAX_DJANGO_ITERATIONS = 10_000_000;

export interface PasswordVerification {
  readonly valid: boolean;
  /** True when the stored hash should be replaced with a fresh argon2id hash of the same password. */
  readonly needsRehash: boolean;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<PasswordVerification>;
  /** Spends one verification on a fixed hash so an unknown user costs what a wrong password costs. */
  verifyDummy(password: string): Promise<void>;
  needsRehash(stored: string): boolean;
}

// @node-rs/argon2 exports Algorithm as an ambient const enum; 2 is argon2id.
const ARGON2ID = 2;

function checkParams(params: Argon2Params): void {
  if (params.memoryCost < 19456 || params.timeCost < 2 || params.parallelism < 1) {
    throw new TypeError("argon2id parameters below m=19456, t=2, p=1 are not allowed");
  }
}

function parseArgon2Params(stored: string): Argon2Params | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return undefined;
  return { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) };
}

/** Verifies Django's `pbkdf2_sha256$iterations$salt$base64(hash)` format. */
export async function verifyDjangoPbkdf2(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2_sha256") return false;
  const [, iterationsText, salt, expectedB64] = parts as [string, string, string, string];
  const iterations = Number(iterationsText);
  if (!/^\d+$/.test(iterationsText) || iterations < 1 || iterations > MAX_DJANGO_ITERATIONS) return false;
  const expected = Buffer.from(expectedB64, "base64");
  if (expected.length === 0 || salt.length === 0) return false;
  // Async pbkdf2 runs on the libuv pool: the event loop stays free.
  const actual = await pbkdf2Async(password, salt, iterations, expected.length, "sha256");
  return timingSafeEqual(actual, expected);
}

export function isDjangoHash(stored: string): boolean {
  return stored.startsWith("pbkdf2_sha256$");
}

export interface PasswordHasherOptions {
  /**
   * Hashes computed at once (default: one per CPU core). Hashing runs on
   * libuv's thread pool, which also serves WebCrypto (JWT signatures) and
   * pbkdf2: a login storm must not take every thread, and each hash holds
   * memoryCost KiB while it runs.
   */
  readonly concurrency?: number;
}

export function createPasswordHasher(
  params: Argon2Params = DEFAULT_ARGON2_PARAMS,
  hasherOptions: PasswordHasherOptions = {},
): PasswordHasher {
  checkParams(params);
  const options = { ...params, algorithm: ARGON2ID } as const;
  const slots = createSemaphore(hasherOptions.concurrency ?? Math.max(1, availableParallelism()));
  const hashLimited = (password: string) => slots.run(() => argon2Hash(password, options));
  const verifyLimited = (stored: string, password: string) => slots.run(() => argon2Verify(stored, password));
  let dummy: Promise<string> | undefined;

  function needsRehash(stored: string): boolean {
    const current = parseArgon2Params(stored);
    return (
      current === undefined ||
      current.memoryCost < params.memoryCost ||
      current.timeCost < params.timeCost ||
      current.parallelism !== params.parallelism
    );
  }

  return {
    async hash(password) {
      if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
        throw new TypeError(`A password has 1 to ${MAX_PASSWORD_LENGTH} characters`);
      }
      return hashLimited(password);
    },
    async verify(password, stored) {
      if (password.length > MAX_PASSWORD_LENGTH) return { valid: false, needsRehash: false };
      if (isDjangoHash(stored)) {
        const valid = await slots.run(() => verifyDjangoPbkdf2(password, stored));
        return { valid, needsRehash: valid };
      }
      if (!stored.startsWith("$argon2")) return { valid: false, needsRehash: false };
      let valid = false;
      try {
        valid = await verifyLimited(stored, password);
      } catch {
        valid = false; // a corrupt stored hash is a failed login, not a crash
      }
      return { valid, needsRehash: valid && needsRehash(stored) };
    },
    async verifyDummy(password) {
      dummy ??= hashLimited("tollgate-dummy-password");
      await verifyLimited(await dummy, password.slice(0, MAX_PASSWORD_LENGTH)).catch(() => false);
    },
    needsRehash,
  };
}
