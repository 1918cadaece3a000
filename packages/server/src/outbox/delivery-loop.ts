import type { Logger } from "pino";

export interface DeliveryLoopOptions {
  /** How often the queue is looked at when nothing wakes the loop, ms. */
  readonly pollMs?: number;
  /** First retry after a failure, ms; doubles per attempt up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a claimed item is this loop's before another may try it, ms. */
  readonly leaseMs?: number;
  /** Called after each round that found nothing due: what was due has been delivered or put off (tests await it, not time). */
  readonly onIdle?: () => void;
}

/** A durable queue in the database: what the loop takes, delivers and marks. */
export interface DeliveryQueue<Item extends { readonly id: string; readonly attempts: number }> {
  /**
   * Up to `limit` items due now, each claimed for `leaseMs` (its next attempt
   * moved past the lease, compare-and-swap): another loop skips them, and a
   * loop that dies mid-delivery leaves them to be tried again after the lease.
   */
  claimDue(limit: number, leaseMs: number): Promise<Item[]>;
  markDelivered(id: string): Promise<void>;
  /** A failed attempt: counted, and tried again at `retryAt` (or given up, as the queue decides). */
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
}

export interface DeliveryLoop {
  start(): void;
  /** Looks at the queue now (an item was just queued). */
  wake(): void;
  /** Stops the loop; waits for a round in progress. */
  stop(): Promise<void>;
}

export interface DeliveryLoopSpec<Item extends { readonly id: string; readonly attempts: number }> {
  /** What the log calls one item ("mail", "webhook"). */
  readonly noun: string;
  readonly queue: DeliveryQueue<Item>;
  /** Delivers one item; throws when it was not delivered. */
  deliver(item: Item): Promise<void>;
  /** What the log says of an item besides its id and attempts. */
  describe?(item: Item): Record<string, unknown>;
  readonly logger: Logger;
  readonly now: () => number;
  readonly options?: DeliveryLoopOptions | undefined;
}

const BATCH = 20;

/**
 * The background loop behind every outbox (mail, webhooks): a failure (the
 * other end down, refused) is logged and the item tried again with
 * exponential backoff; nothing is lost on a restart, since every item waits
 * in the database until delivered, and several instances share the queue
 * through its claims.
 */
export function createDeliveryLoop<Item extends { readonly id: string; readonly attempts: number }>(
  spec: DeliveryLoopSpec<Item>,
): DeliveryLoop {
  const { noun, queue, logger, now, options = {} } = spec;
  const pollMs = options.pollMs ?? 2_000;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 300_000;
  const leaseMs = options.leaseMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  async function round(): Promise<void> {
    const due = await queue.claimDue(BATCH, leaseMs);
    for (const item of due) {
      const about = { [`${noun}Id`]: item.id, attempts: item.attempts + 1, ...spec.describe?.(item) };
      try {
        await spec.deliver(item);
        await queue.markDelivered(item.id);
        logger.info(about, `${noun} delivered`);
      } catch (err) {
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** item.attempts);
        logger.warn({ err, ...about, retryInMs: wait }, `${noun} not delivered; will retry`);
        await queue.markFailed(item.id, (err as Error).message ?? String(err), new Date(now() + wait));
      }
    }
    if (due.length === BATCH) again = true;
    if (due.length === 0) options.onIdle?.();
  }

  function schedule(delay: number): void {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref();
  }

  function run(): void {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((err: unknown) => logger.warn({ err }, `${noun} outbox round failed`))
      .finally(() => {
        running = undefined;
        const soon = again;
        again = false;
        schedule(soon ? 0 : pollMs);
      });
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    wake() {
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
