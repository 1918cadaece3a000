/** Fixed-window failure counters keyed by string, shared or per process. */
export interface FailureCounter {
  /** Current failures for a key and milliseconds until its window ends. */
  get(key: string): Promise<{ count: number; resetInMs: number }>;
  /** Adds a failure; the window starts at the first failure. */
  increment(key: string, windowMs: number): Promise<void>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface LoginLimits {
  /** Failures allowed per (username, client IP) per window. */
  readonly maxFailures: number;
  /** Failures allowed per client IP, across usernames, per window. */
  readonly maxFailuresPerIp: number;
  /** Seconds. */
  readonly window: number;
}

export interface LoginRateLimiter {
  /** Seconds to wait when this attempt is over a limit; undefined when allowed. */
  retryAfter(username: string, ip: string): Promise<number | undefined>;
  recordFailure(username: string, ip: string): Promise<void>;
  recordSuccess(username: string, ip: string): Promise<void>;
  close(): Promise<void>;
}

const userKey = (username: string, ip: string) => `login:user:${username.toLowerCase()}:${ip}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

export function createLoginRateLimiter(counter: FailureCounter, limits: LoginLimits): LoginRateLimiter {
  const windowMs = limits.window * 1000;
  return {
    async retryAfter(username, ip) {
      const [user, byIp] = await Promise.all([counter.get(userKey(username, ip)), counter.get(ipKey(ip))]);
      const blocked = [
        user.count >= limits.maxFailures ? user.resetInMs : 0,
        byIp.count >= limits.maxFailuresPerIp ? byIp.resetInMs : 0,
      ];
      const waitMs = Math.max(...blocked);
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : undefined;
    },
    async recordFailure(username, ip) {
      await Promise.all([counter.increment(userKey(username, ip), windowMs), counter.increment(ipKey(ip), windowMs)]);
    },
    async recordSuccess(username, ip) {
      // The per-IP counter keeps counting: one good password must not reset a spray.
      await counter.reset(userKey(username, ip));
    },
    close: () => counter.close(),
  };
}
