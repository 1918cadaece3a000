/** At most `limit` tasks run at once; the rest wait in arrival order, at most `maxQueue` of them. */
export interface Semaphore {
  /**
   * Runs `task` when a slot is free. Rejects at once with QueueFullError when
   * `maxQueue` tasks already wait; rejects without running `task` when
   * `signal` aborts before its turn (the caller has gone away).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks waiting for a slot now. */
  readonly waiting: number;
}

export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
}

export interface SemaphoreOptions {
  /** Tasks allowed to wait; beyond it `run` refuses. Default: unbounded. */
  readonly maxQueue?: number;
}

export function createSemaphore(limit: number, options: SemaphoreOptions = {}): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError("limit must be a whole number, 1 or more");
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  if (!(maxQueue >= 0)) throw new TypeError("maxQueue must be 0 or more");
  let active = 0;
  const queue: (() => void)[] = [];

  /** A finished task hands its slot straight to the next waiting one. */
  function release(): void {
    const next = queue.shift();
    if (next) next();
    else active--;
  }

  /** Resolves holding a slot: taken at once when free (synchronously, so no other caller can take it meanwhile). */
  function turn(signal: AbortSignal | undefined): Promise<void> {
    if (active < limit && queue.length === 0) {
      active++;
      return Promise.resolve();
    }
    if (queue.length >= maxQueue) return Promise.reject(new QueueFullError("Too many tasks waiting"));
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      };
      const abort = () => {
        const index = queue.indexOf(go);
        if (index !== -1) queue.splice(index, 1);
        reject(signal?.reason);
      };
      queue.push(go);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }

  return {
    async run(task, signal) {
      signal?.throwIfAborted();
      await turn(signal);
      try {
        // Its turn came, but the caller may have left while it waited.
        signal?.throwIfAborted();
        return await task();
      } finally {
        release();
      }
    },
    get waiting() {
      return queue.length;
    },
  };
}
