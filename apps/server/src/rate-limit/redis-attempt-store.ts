import { Redis } from "ioredis";
import { BackendUnavailableError } from "../backend-unavailable.js";
import type { AttemptKeys, AttemptRules, AttemptStore, Reservation } from "./attempt-store.js";

/**
 * The whole reservation runs inside Redis as one script: every instance sees
 * the same counts, and no two attempts can pass a check between each other's
 * read and write. Each key is a hash { n: attempts, last: ms of the last
 * attempt, refused: set at the first refusal } expiring with its window.
 * The account's delay mirrors accountDelayMs in attempt-store.ts.
 */
const RESERVE = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function refuse(key, waitMs)
  local first = redis.call("HSETNX", key, "refused", 1)
  return {0, math.max(1, waitMs), first}
end
local function attempts(key) return tonumber(redis.call("HGET", key, "n") or "0") end
if attempts(KEYS[1]) >= tonumber(ARGV[1]) then return refuse(KEYS[1], redis.call("PTTL", KEYS[1])) end
if attempts(KEYS[2]) >= tonumber(ARGV[2]) then return refuse(KEYS[2], redis.call("PTTL", KEYS[2])) end
local account = attempts(KEYS[3])
local free = tonumber(ARGV[4])
if account >= free then
  local delay = math.min(1000 * 2 ^ (account - free), tonumber(ARGV[5]))
  local wait = tonumber(redis.call("HGET", KEYS[3], "last") or "0") + delay - now
  if wait > 0 then return refuse(KEYS[3], wait) end
end
for i = 1, 3 do
  local n = redis.call("HINCRBY", KEYS[i], "n", 1)
  redis.call("HSET", KEYS[i], "last", now)
  if n == 1 then redis.call("PEXPIRE", KEYS[i], ARGV[3]) end
end
return {1, 0, 0}`;

const RELEASE = `
for i = 1, 3 do
  if tonumber(redis.call("HGET", KEYS[i], "n") or "0") > 0 then redis.call("HINCRBY", KEYS[i], "n", -1) end
end
return 0`;

/** Attempt counts in Redis, shared by every server instance of a deployment. */
export function createRedisAttemptStore(url: string, prefix = "tollgate:"): AttemptStore {
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
      const [allowed, retryAfterMs, first] = (await guarded(() =>
        redis.eval(
          RESERVE,
          3,
          keys.pair,
          keys.network,
          keys.account,
          rules.pairLimit,
          rules.networkLimit,
          rules.windowMs,
          rules.accountFreeAttempts,
          rules.accountMaxDelayMs,
        ),
      )) as [number, number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs, firstRefusal: first === 1 };
    },
    async release(keys) {
      await guarded(() => redis.eval(RELEASE, 3, keys.pair, keys.network, keys.account));
    },
    async succeed(keys) {
      await guarded(() => redis.del(keys.pair, keys.account));
    },
    async close() {
      redis.disconnect();
    },
  };
}
