import { Redis } from "ioredis";
import { BackendUnavailableError } from "../backend-unavailable.js";
import type { AttemptKeys, AttemptRules, AttemptStore, Reservation } from "./attempt-store.js";

/**
 * The whole reservation runs inside Redis as one script: every instance sees
 * the same counts, and no two attempts can pass a check between each other's
 * read and write. Each key is a hash { n: attempts, last: ms of the last
 * attempt, refused: set at the first refusal } expiring with its window.
 * KEYS are the pair, the network, then (ARGV[6]) the account ("account") or
 * nothing ("none": token guesses, and a known device, whose pair key is
 * (account, device) and which skips the account's delay). The same rule as
 * memory-attempt-store.ts; the delay mirrors accountDelayMs in attempt-store.ts.
 * The time is Redis's own (one clock for every instance) unless ARGV[7]
 * gives one (tests with an injected clock).
 */
const RESERVE = `
local now
if ARGV[7] then
  now = tonumber(ARGV[7])
else
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function refuse(key, waitMs)
  local first = redis.call("HSETNX", key, "refused", 1)
  return {0, math.max(1, waitMs), first}
end
local function attempts(key) return tonumber(redis.call("HGET", key, "n") or "0") end
local function expiresIn(key)
  local expireAt = tonumber(redis.call("HGET", key, "until") or "0")
  if ARGV[7] and expireAt > 0 then return expireAt - now end
  return redis.call("PTTL", key)
end
if ARGV[7] then
  -- An injected clock: windows end by it, not by Redis's expiry.
  for i = 1, #KEYS do
    local ends = tonumber(redis.call("HGET", KEYS[i], "until") or "0")
    if ends > 0 and ends <= now then redis.call("DEL", KEYS[i]) end
  end
end
local kind = ARGV[6]
if attempts(KEYS[1]) >= tonumber(ARGV[1]) then return refuse(KEYS[1], expiresIn(KEYS[1])) end
if attempts(KEYS[2]) >= tonumber(ARGV[2]) then return refuse(KEYS[2], expiresIn(KEYS[2])) end
if kind == "account" then
  local account = attempts(KEYS[3])
  local free = tonumber(ARGV[4])
  if account >= free then
    local delay = math.min(1000 * 2 ^ (account - free), tonumber(ARGV[5]))
    local wait = tonumber(redis.call("HGET", KEYS[3], "last") or "0") + delay - now
    if wait > 0 then return refuse(KEYS[3], wait) end
  end
end
for i = 1, #KEYS do
  local n = redis.call("HINCRBY", KEYS[i], "n", 1)
  redis.call("HSET", KEYS[i], "last", now)
  if n == 1 then
    redis.call("PEXPIRE", KEYS[i], ARGV[3])
    redis.call("HSET", KEYS[i], "until", now + tonumber(ARGV[3]))
  end
end
return {1, 0, 0}`;

const RELEASE = `
for i = 1, #KEYS do
  if tonumber(redis.call("HGET", KEYS[i], "n") or "0") > 0 then redis.call("HINCRBY", KEYS[i], "n", -1) end
end
return 0`;

/** The key a reservation counts on after the pair and the network: the account's, or none. */
function thirdKey(keys: AttemptKeys): { kind: "account" | "none"; key?: string } {
  if (keys.account !== undefined) return { kind: "account", key: keys.account };
  return { kind: "none" };
}

function keyList(keys: AttemptKeys): string[] {
  const third = thirdKey(keys).key;
  return third === undefined ? [keys.pair, keys.network] : [keys.pair, keys.network, third];
}

export interface RedisAttemptStoreOptions {
  /** Epoch ms instead of Redis's clock (tests with an injected clock; every instance must share it). */
  readonly now?: () => number;
}

/** Attempt counts in Redis, shared by every server instance of a deployment. */
export function createRedisAttemptStore(
  url: string,
  prefix = "tollgate:",
  options: RedisAttemptStoreOptions = {},
): AttemptStore {
  const redis = new Redis(url, {
    keyPrefix: prefix,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5000,
  });
  // Errors surface on the commands that fail; do not crash on connection events.
  redis.on("error", () => {});

  /** Redis down: sign-ins fail closed with a 503 naming it, rather than going unlimited. */
  async function guarded<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new BackendUnavailableError("Rate-limit store (Redis) unavailable, try again shortly", { cause: error });
    }
  }

  return {
    async reserve(keys: AttemptKeys, rules: AttemptRules): Promise<Reservation> {
      const list = keyList(keys);
      const clock = options.now ? [options.now()] : [];
      const [allowed, retryAfterMs, first] = (await guarded(() =>
        redis.eval(
          RESERVE,
          list.length,
          ...list,
          rules.pairLimit,
          rules.networkLimit,
          rules.windowMs,
          rules.accountFreeAttempts,
          rules.accountMaxDelayMs,
          thirdKey(keys).kind,
          ...clock,
        ),
      )) as [number, number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs, firstRefusal: first === 1 };
    },
    async release(keys) {
      const list = keyList(keys);
      await guarded(() => redis.eval(RELEASE, list.length, ...list));
    },
    async succeed(keys) {
      // The account starts afresh only for an unknown device (see AttemptStore.succeed).
      const third = thirdKey(keys).key;
      await guarded(() => (third === undefined ? redis.del(keys.pair) : redis.del(keys.pair, third)));
    },
    async close() {
      redis.disconnect();
    },
  };
}
