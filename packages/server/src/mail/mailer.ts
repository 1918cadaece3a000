import type { Logger } from "pino";
import type { Quota } from "../abuse-limits.js";
import type { MailOutboxStore, OutgoingMail } from "../stores/mail-outbox-store.js";
import type { OutboxSender } from "./outbox-sender.js";
import { recipientKey } from "./recipient-key.js";

/**
 * What a mail is, for the per-recipient quota. `counted` (the default): a
 * mail anyone can cause by typing an address (reset links, confirmation
 * links, "someone tried to use your address"), counted and dropped past the
 * quota. `notice`: a security notice about the account (password changed,
 * address changed, recovery code used, second factor locked), never counted
 * nor dropped: each follows an action that needed a credential, or is capped
 * by a rule of its own (one lock mail per lock), and an attacker who used the
 * quota up must not silence it.
 */
export type MailKind = "counted" | "notice";

export interface EnqueueOptions {
  readonly kind?: MailKind;
}

/** What procedures use to send mail: it goes through the outbox, never straight to SMTP. */
export interface Mailer {
  /**
   * Writes the mail to the outbox and wakes the sender, unless it is a
   * counted mail (the default kind) whose recipient has had its quota of
   * mails (then it is dropped, logged and audited as `mail_suppressed`, and
   * the caller answers as if it went: false here). A `notice` always goes.
   */
  enqueue(mail: OutgoingMail, options?: EnqueueOptions): Promise<boolean>;
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

export interface MailerLimits {
  /** Counted mails per recipient inbox (recipientKey of the address), whatever sends them. */
  readonly perRecipient: Quota;
  /** Records a dropped mail (the audit log), with the recipient's key. */
  readonly onSuppressed: (recipient: string) => Promise<void>;
}

export function createMailer(
  outbox: MailOutboxStore,
  sender: OutboxSender,
  logger: Logger,
  limits: MailerLimits,
): Mailer {
  const pending = new Set<Promise<void>>();
  return {
    async enqueue(mail, { kind = "counted" } = {}) {
      // Every mail goes through here, so one quota covers every route to an inbox (mail bombing).
      if (kind === "counted") {
        // Counted per inbox, not per spelling: victim+1@… and v.ictim@gmail.com share victim's quota.
        const recipient = recipientKey(mail.to);
        const quota = await limits.perRecipient.take(recipient);
        if (!quota.allowed) {
          logger.warn({ recipient, subject: mail.subject }, "mail suppressed: the recipient had its quota");
          await limits.onSuppressed(recipient);
          return false;
        }
      }
      await outbox.enqueue(mail);
      sender.wake();
      return true;
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
