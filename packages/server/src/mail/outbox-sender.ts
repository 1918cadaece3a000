import type { Logger } from "pino";
import { createDeliveryLoop, type DeliveryLoop, type DeliveryLoopOptions } from "../outbox/delivery-loop.js";
import type { MailOutboxStore } from "../stores/mail-outbox-store.js";
import type { MailTransport } from "./transport.js";

export type OutboxSenderOptions = DeliveryLoopOptions;
export type OutboxSender = DeliveryLoop;

/**
 * The background loop that sends the mail outbox (outbox/delivery-loop.ts):
 * SMTP down or a refusal is logged and the mail tried again with backoff.
 */
export function createOutboxSender(
  outbox: MailOutboxStore,
  transport: MailTransport,
  logger: Logger,
  now: () => number,
  options: OutboxSenderOptions = {},
): OutboxSender {
  return createDeliveryLoop({
    noun: "mail",
    queue: { claimDue: outbox.claimDue, markDelivered: outbox.markSent, markFailed: outbox.markFailed },
    deliver: (mail) => transport.send(mail),
    logger,
    now,
    options,
  });
}
