import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { TollgateEvent, TollgateEventData, TollgateEventType } from "./types.js";

export type EventHandler<T extends TollgateEventType> = (event: TollgateEvent<T>) => void | Promise<void>;

export interface EventBus {
  /** Calls `handler` for every event of `type` ("*": every event); returns a function that stops it. */
  on<T extends TollgateEventType>(type: T, handler: EventHandler<T>): () => void;
  on(type: "*", handler: EventHandler<TollgateEventType>): () => void;
  /** Emits an event to its handlers, after the current request's work: a slow or failing handler never delays or fails it. */
  emit<T extends TollgateEventType>(
    type: T,
    data: TollgateEventData[T],
    client: TollgateEvent["client"],
  ): TollgateEvent<T>;
  /** Waits for the handlers of every event emitted so far (tests, shutdown). */
  settle(): Promise<void>;
}

/**
 * The in-process stream of security events. Handlers run on a later tick
 * (queueMicrotask), each on its own: an error is logged with the event's
 * type and id and reaches no caller.
 */
export function createEventBus(logger: Logger, now: () => number): EventBus {
  const handlers = new Map<string, Set<EventHandler<TollgateEventType>>>();
  const running = new Set<Promise<void>>();

  function dispatch(event: TollgateEvent): void {
    for (const key of [event.type, "*"]) {
      for (const handler of handlers.get(key) ?? []) {
        const run = Promise.resolve()
          .then(() => handler(event))
          .catch((err: unknown) =>
            logger.error({ err, eventType: event.type, eventId: event.id }, "event handler failed"),
          )
          .finally(() => running.delete(run));
        running.add(run);
      }
    }
  }

  return {
    on(type: string, handler: EventHandler<TollgateEventType>) {
      let set = handlers.get(type);
      if (!set) {
        set = new Set();
        handlers.set(type, set);
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    emit(type, data, client) {
      const event = {
        id: randomUUID(),
        type,
        version: 1 as const,
        occurredAt: new Date(now()).toISOString(),
        data,
        client,
      };
      dispatch(event as TollgateEvent);
      return event;
    },
    async settle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  } as EventBus;
}
