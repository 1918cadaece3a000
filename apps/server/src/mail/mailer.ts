import type { Logger } from "pino";
import type { MailOutboxStore, OutgoingMail } from "../stores/mail-outbox-store.js";
import type { OutboxSender } from "./outbox-sender.js";

/** What procedures use to send mail: it goes through the outbox, never straight to SMTP. */
export interface Mailer {
  /** Writes the mail to the outbox and wakes the sender. */
  enqueue(mail: OutgoingMail): Promise<void>;
  /**
   * Runs `task` after the response (work whose duration must not show, as in
   * auth.requestPasswordReset); a failure is logged. close() waits for it.
   */
  defer(task: () => Promise<void>): void;
  /** Deletes mails sent before `before` (their bodies hold links). */
  purgeSent(before: Date): Promise<number>;
  /** Waits for deferred tasks (app shutdown). */
  settle(): Promise<void>;
}

export function createMailer(outbox: MailOutboxStore, sender: OutboxSender, logger: Logger): Mailer {
  const pending = new Set<Promise<void>>();
  return {
    async enqueue(mail) {
      await outbox.enqueue(mail);
      sender.wake();
    },
    defer(task) {
      const run = new Promise<void>((done) => setImmediate(done))
        .then(task)
        .catch((err: unknown) => logger.error({ err }, "deferred mail task failed"))
        .finally(() => pending.delete(run));
      pending.add(run);
    },
    purgeSent: (before) => outbox.purgeSent(before),
    async settle() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
