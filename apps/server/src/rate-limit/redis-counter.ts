import { Redis } from "ioredis";
import { BackendUnavailableError } from "../errors.js";
import type { FailureCounter } from "./rate-limiter.js";

// INCR and start the window on the first failure, atomically.
const INCREMENT = `
local count = redis.call("INCR", KEYS[1])
if count == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return count`;

/** Counters in Redis, shared by every server instance of a deployment. */
export function createRedisCounter(url: string, prefix = "tollgate:"): FailureCounter {
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
    async get(key) {
      const [[, count], [, ttl]] = (await guarded(() => redis.multi().get(key).pttl(key).exec())) as [
        [Error | null, string | null],
        [Error | null, number],
      ];
      const n = Number(count ?? 0);
      return { count: n, resetInMs: n > 0 && ttl > 0 ? ttl : 0 };
    },
    async increment(key, windowMs) {
      await guarded(() => redis.eval(INCREMENT, 1, key, windowMs));
    },
    async reset(key) {
      await guarded(() => redis.del(key));
    },
    async close() {
      redis.disconnect();
    },
  };
}
