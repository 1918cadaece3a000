/**
 * The client's `onSessionExpired` runs outside React (in the tRPC link): it
 * reaches the page through this small channel.
 */
import type { SessionEndReason } from "@tollgate/client-sdk";

export interface SessionExpiry {
  notify(reason: SessionEndReason): void;
  subscribe(listener: (reason: SessionEndReason) => void): () => void;
}

export function createSessionExpiry(): SessionExpiry {
  const listeners = new Set<(reason: SessionEndReason) => void>();
  return {
    notify(reason) {
      for (const listener of listeners) listener(reason);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
