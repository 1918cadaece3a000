import type { Logger } from "pino";
import type { MailOutboxStore } from "../stores/mail-outbox-store.js";
import type { MailTransport } from "./transport.js";

export interface OutboxSenderOptions {
  /** How often the outbox is looked at when nothing wakes the loop, ms. */
  readonly pollMs?: number;
  /** First retry after a failure, ms; doubles per attempt up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a claimed mail is this sender's before another may try it, ms. */
  readonly leaseMs?: number;
  /** Called after each round that found no mail due: what was due has been sent or put off (tests await it, not time). */
  readonly onIdle?: () => void;
}

export interface OutboxSender {
  start(): void;
  /** Looks at the outbox now (a mail was just queued). */
  wake(): void;
  /** Stops the loop; waits for a round in progress. */
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * The background loop that sends the outbox. A failure (SMTP down, refused)
 * is logged and the mail tried again with exponential backoff; nothing is
 * lost on a restart, since every mail waits in the database until sent.
 */
export function createOutboxSender(
  outbox: MailOutboxStore,
  transport: MailTransport,
  logger: Logger,
  now: () => number,
  options: OutboxSenderOptions = {},
): OutboxSender {
  const pollMs = options.pollMs ?? 2_000;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 300_000;
  const leaseMs = options.leaseMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  async function round(): Promise<void> {
    const due = await outbox.claimDue(BATCH, leaseMs);
    for (const mail of due) {
      try {
        await transport.send(mail);
        await outbox.markSent(mail.id);
        logger.info({ mailId: mail.id, attempts: mail.attempts + 1 }, "mail sent");
      } catch (err) {
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** mail.attempts);
        logger.warn(
          { err, mailId: mail.id, attempts: mail.attempts + 1, retryInMs: wait },
          "mail not sent; will retry",
        );
        await outbox.markFailed(mail.id, (err as Error).message ?? String(err), new Date(now() + wait));
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
      .catch((err: unknown) => logger.warn({ err }, "mail outbox round failed"))
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
