import type { Registry } from "prom-client";
import type { DatabaseHandle } from "../db/client.js";

export type SignInOutcome = "success" | "failure" | "rate_limited" | "hash_queue_full";
export type RefreshOutcome = "rotated" | "grace_replay" | "reuse_detected" | "refused";

/** What the app reports. With metrics off every method does nothing and there is no registry. */
export interface Metrics {
  /** Every metric of this app (one registry per app: several apps in one process never collide). */
  readonly registry: Registry | undefined;
  /** A finished request on the public port: its tRPC path (undefined: not tRPC), status and duration. */
  request(trpcPath: string | undefined, status: number, durationMs: number): void;
  signIn(outcome: SignInOutcome): void;
  refresh(outcome: RefreshOutcome): void;
  /** How long a password hash waited for a hashing slot (PasswordHasherOptions.onSlotWait). */
  hashSlotWait(ms: number): void;
  /** The password hashes waiting now are read from `hasher` at every scrape. */
  watchHashQueue(hasher: { readonly queued: number }): void;
}

export interface MetricsOptions {
  readonly enabled: boolean;
  readonly database: DatabaseHandle;
  /** The router's procedure paths: the only values the procedure label takes besides fixed ones. */
  readonly procedures: readonly string[];
}
