import type { Logger } from "pino";
import { Webhook } from "standardwebhooks";
import type { WebhookSettings } from "../config.js";
import type { EventBus } from "../events/bus.js";
import type { TollgateEvent } from "../events/types.js";
import { createDeliveryLoop, type DeliveryLoop, type DeliveryLoopOptions } from "../outbox/delivery-loop.js";
import { MAX_WEBHOOK_ATTEMPTS, type QueuedWebhook, type WebhookStore } from "./webhook-store.js";

/** A receiver that has not answered in this long has failed this attempt (it is tried again). */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookDelivery {
  readonly loop: DeliveryLoop;
  /** Queues every selected event of `events` for the receiver; returns the unsubscribe. */
  subscribe(events: Pick<EventBus, "on">): () => void;
}

/** The body a receiver gets (Standard Webhooks' type, timestamp and data, with Tollgate's version and client). */
export function webhookPayload(event: TollgateEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    version: event.version,
    data: event.data,
    client: event.client,
  });
}

/**
 * Outgoing webhooks: each selected security event is written to the
 * webhook outbox when it happens, then POSTed to WEBHOOK_URL signed as the
 * Standard Webhooks spec says (headers webhook-id, the event's id on every
 * attempt; webhook-timestamp; webhook-signature, HMAC-SHA256 under
 * WEBHOOK_SECRET, by the `standardwebhooks` library). A 2xx answer delivers
 * it; anything else (a redirect too: never followed), a timeout or a refused
 * connection is tried again with backoff, across restarts and by any
 * instance, until MAX_WEBHOOK_ATTEMPTS.
 */
export function createWebhookDelivery(
  settings: WebhookSettings,
  store: WebhookStore,
  logger: Logger,
  now: () => number,
  options: DeliveryLoopOptions = {},
): WebhookDelivery {
  const signer = new Webhook(settings.secret);
  const selected = new Set<string>(settings.events);

  async function deliver(item: QueuedWebhook): Promise<void> {
    try {
      // The wall clock, whatever clock the server's logic runs on: receivers check it against theirs.
      const sentAt = new Date();
      const response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Tollgate-Webhooks/1",
          "webhook-id": item.messageId,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signer.sign(item.messageId, sentAt, item.payload),
        },
        body: item.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status > 299) throw new Error(`the receiver answered ${response.status}`);
    } catch (error) {
      if (item.attempts + 1 >= MAX_WEBHOOK_ATTEMPTS) {
        logger.error(
          { err: error, webhookId: item.id, messageId: item.messageId, type: item.eventType },
          "webhook abandoned: the receiver failed every attempt",
        );
      }
      throw error;
    }
  }

  const loop = createDeliveryLoop({
    noun: "webhook",
    queue: store,
    deliver,
    describe: (item) => ({ messageId: item.messageId, type: item.eventType }),
    logger,
    now,
    // A claim outlives a whole batch of slow receivers (20 × 10 s): no other instance takes an item mid-round.
    options: { maxBackoffMs: 3_600_000, leaseMs: 300_000, ...options },
  });

  return {
    loop,
    subscribe(events) {
      return events.on("*", async (event) => {
        if (!selected.has(event.type)) return;
        await store.enqueue({ messageId: event.id, eventType: event.type, payload: webhookPayload(event) });
        loop.wake();
      });
    },
  };
}
