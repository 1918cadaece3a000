import { pbkdf2, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { AuthError } from "./errors.js";
import { createSemaphore, QueueFullError } from "./semaphore.js";

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
/** Django's iteration counts top out near 1 M (Django 5.2: 1,000,000); more is refused rather than burning CPU. */
export const MAX_DJANGO_ITERATIONS = 1_200_000;
/** pbkdf2_sha256 in Django always derives a 32-byte key. */
const DJANGO_KEY_BYTES = 32;

/** libuv's thread pool size when UV_THREADPOOL_SIZE is not set. */
export const DEFAULT_THREAD_POOL_SIZE = 4;

/**
 * Hashes allowed at once for a libuv pool of `poolSize` threads: two threads
 * stay free for WebCrypto (JWT signatures), fs and DNS, which share the pool.
 */
export function hashConcurrencyFor(poolSize: number): number {
  return Math.max(1, poolSize - 2);
}

export interface PasswordVerification {
  readonly valid: boolean;
  /** True when the stored hash should be replaced with a fresh argon2id hash of the same password. */
  readonly needsRehash: boolean;
}

export interface HashCallOptions {
  /** The caller has gone away: a hash still waiting for its turn is never started. */
  readonly signal?: AbortSignal | undefined;
}

export interface PasswordHasher {
  hash(password: string, options?: HashCallOptions): Promise<string>;
  verify(password: string, stored: string, options?: HashCallOptions): Promise<PasswordVerification>;
  /** Spends the verification a wrong password for a real account costs, so an unknown user is not told apart. */
  verifyDummy(password: string, options?: HashCallOptions): Promise<void>;
  needsRehash(stored: string): boolean;
  /**
   * While imported Django hashes remain, every verification also spends one
   * pbkdf2 at this iteration count (or argon2id for a Django hash), so
   * unknown, imported and migrated users all cost the same. Undefined: none remain.
   */
  setLegacyIterations(iterations: number | undefined): void;
  /** Hashes waiting for a slot now. */
  readonly queued: number;
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

interface DjangoHash {
  readonly iterations: number;
  readonly salt: string;
  readonly key: Buffer;
}

/**
 * Parses Django's `pbkdf2_sha256$iterations$salt$base64(hash)`; undefined when
 * malformed or outside the bounds a genuine Django hash has (at most
 * MAX_DJANGO_ITERATIONS, a 32-byte key): a crafted row cannot buy minutes of CPU.
 */
export function parseDjangoHash(stored: string): DjangoHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2_sha256") return undefined;
  const [, iterationsText, salt, keyB64] = parts as [string, string, string, string];
  if (!/^\d{1,7}$/.test(iterationsText) || salt.length === 0 || salt.length > 128) return undefined;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > MAX_DJANGO_ITERATIONS) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) return undefined;
  const key = Buffer.from(keyB64, "base64");
  if (key.length !== DJANGO_KEY_BYTES) return undefined;
  return { iterations, salt, key };
}

/** Verifies Django's `pbkdf2_sha256$iterations$salt$base64(hash)` format. */
export async function verifyDjangoPbkdf2(password: string, stored: string): Promise<boolean> {
  const parsed = parseDjangoHash(stored);
  if (!parsed) return false;
  // Async pbkdf2 runs on the libuv pool: the event loop stays free.
  const actual = await pbkdf2Async(password, parsed.salt, parsed.iterations, DJANGO_KEY_BYTES, "sha256");
  return timingSafeEqual(actual, parsed.key);
}

export function isDjangoHash(stored: string): boolean {
  return stored.startsWith("pbkdf2_sha256$");
}

export interface PasswordHasherOptions {
  /**
   * Hashes computed at once (default: hashConcurrencyFor(libuv's default pool)).
   * Hashing runs on libuv's thread pool, which also serves WebCrypto (JWT
   * signatures) and pbkdf2; each argon2id hash holds memoryCost KiB while it runs.
   */
  readonly concurrency?: number;
  /**
   * Hashes allowed to wait for a slot (default 64). Beyond it a request is
   * refused at once with HASH_QUEUE_FULL instead of piling up behind others.
   */
  readonly maxQueue?: number;
  /**
   * Observer: told, for every hash that got a slot, how long it waited for it
   * (ms from asking to starting). For metrics; it must not throw.
   */
  readonly onSlotWait?: (ms: number) => void;
}

const DUMMY_SALT = "tollgate-dummy-salt";

export function createPasswordHasher(
  params: Argon2Params = DEFAULT_ARGON2_PARAMS,
  hasherOptions: PasswordHasherOptions = {},
): PasswordHasher {
  checkParams(params);
  const options = { ...params, algorithm: ARGON2ID } as const;
  const slots = createSemaphore(hasherOptions.concurrency ?? hashConcurrencyFor(DEFAULT_THREAD_POOL_SIZE), {
    maxQueue: hasherOptions.maxQueue ?? 64,
  });
  let legacyIterations: number | undefined;
  let dummy: Promise<string> | undefined;

  /** One slot for the whole verification (and its padding); a full queue is a clear, retryable refusal. */
  async function inSlot<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const { onSlotWait } = hasherOptions;
    const asked = onSlotWait ? performance.now() : 0;
    const started = onSlotWait
      ? () => {
          onSlotWait(performance.now() - asked);
          return work();
        }
      : work;
    try {
      return await slots.run(started, signal);
    } catch (error) {
      if (error instanceof QueueFullError) {
        throw new AuthError("HASH_QUEUE_FULL", "The server is busy checking passwords; try again shortly", {
          retryAfter: 1,
          cause: error,
        });
      }
      throw error;
    }
  }

  const dummyHash = () => {
    dummy ??= argon2Hash("tollgate-dummy-password", options);
    return dummy;
  };
  const argon2Check = (stored: string, password: string) => argon2Verify(stored, password).catch(() => false);
  const legacyPadding = async (password: string) => {
    if (legacyIterations !== undefined) {
      await pbkdf2Async(password, DUMMY_SALT, legacyIterations, DJANGO_KEY_BYTES, "sha256");
    }
  };

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
    async hash(password, call = {}) {
      if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
        throw new TypeError(`A password has 1 to ${MAX_PASSWORD_LENGTH} characters`);
      }
      return inSlot(() => argon2Hash(password, options), call.signal);
    },
    async verify(password, stored, call = {}) {
      if (password.length > MAX_PASSWORD_LENGTH) return { valid: false, needsRehash: false };
      if (isDjangoHash(stored)) {
        const valid = await inSlot(async () => {
          const [ok] = await Promise.all([
            verifyDjangoPbkdf2(password, stored),
            argon2Check(await dummyHash(), password),
          ]);
          return ok;
        }, call.signal);
        return { valid, needsRehash: valid };
      }
      if (!stored.startsWith("$argon2")) {
        // An unusable hash ("!…": an account made through another provider, or imported without a
        // password) verifies nothing, after the same hashing time: no answer tells such accounts apart.
        const clipped = password.slice(0, MAX_PASSWORD_LENGTH);
        await inSlot(async () => {
          await Promise.all([argon2Check(await dummyHash(), clipped), legacyPadding(clipped)]);
        }, call.signal);
        return { valid: false, needsRehash: false };
      }
      // A corrupt stored hash is a failed login, not a crash.
      const valid = await inSlot(async () => {
        const [ok] = await Promise.all([argon2Check(stored, password), legacyPadding(password)]);
        return ok;
      }, call.signal);
      return { valid, needsRehash: valid && needsRehash(stored) };
    },
    async verifyDummy(password, call = {}) {
      const clipped = password.slice(0, MAX_PASSWORD_LENGTH);
      await inSlot(async () => {
        await Promise.all([argon2Check(await dummyHash(), clipped), legacyPadding(clipped)]);
      }, call.signal);
    },
    needsRehash,
    setLegacyIterations(iterations) {
      if (
        iterations !== undefined &&
        !(Number.isInteger(iterations) && iterations > 0 && iterations <= MAX_DJANGO_ITERATIONS)
      ) {
        throw new TypeError(`legacy iterations must be 1 to ${MAX_DJANGO_ITERATIONS}`);
      }
      legacyIterations = iterations;
    },
    get queued() {
      return slots.waiting;
    },
  };
}
