import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics, MetricsOptions, RefreshOutcome, SignInOutcome } from "./metrics-types.js";
import { createProcedureLabeler } from "./procedure-label.js";

const SIGN_IN_OUTCOMES: readonly SignInOutcome[] = ["success", "failure", "rate_limited", "hash_queue_full"];
const REFRESH_OUTCOMES: readonly RefreshOutcome[] = ["rotated", "grace_replay", "reuse_detected", "refused"];

/** Seconds; most procedures answer in well under a millisecond to a few, sign-ins spend ~30 ms hashing. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HASH_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The Prometheus side of createMetrics (metrics.ts), loaded only with METRICS_PORT. */
export function createPromMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process and Node.js metrics: CPU, memory, handles, GC, event-loop delay (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry });

  const labelOf = createProcedureLabeler(options.procedures);
  const requestDuration = new Histogram({
    name: "tollgate_http_request_duration_seconds",
    help: "Time to answer a request on the public port, by tRPC procedure (batch, unknown, other) and status code.",
    labelNames: ["procedure", "status"] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const signIns = new Counter({
    name: "tollgate_sign_in_attempts_total",
    help: "auth.login attempts by outcome: success, failure, rate_limited, hash_queue_full.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const refreshes = new Counter({
    name: "tollgate_refresh_attempts_total",
    help: "auth.refresh calls by outcome: rotated, grace_replay, reuse_detected, refused.",
    labelNames: ["outcome"] as const,
    registers,
  });
  // Every outcome is reported from the start, at 0, so rates and alerts see it before it first happens.
  for (const outcome of SIGN_IN_OUTCOMES) signIns.inc({ outcome }, 0);
  for (const outcome of REFRESH_OUTCOMES) refreshes.inc({ outcome }, 0);

  const hashWait = new Histogram({
    name: "tollgate_password_hash_wait_seconds",
    help: "Time a password hash waited for a hashing slot.",
    buckets: HASH_WAIT_BUCKETS,
    registers,
  });
  let hashQueue: { readonly queued: number } | undefined;
  new Gauge({
    name: "tollgate_password_hash_queue_depth",
    help: "Password hashes waiting for a hashing slot.",
    registers,
    collect() {
      this.set(hashQueue?.queued ?? 0);
    },
  });

  const { database } = options;
  new Gauge({
    name: "tollgate_db_pool_connections",
    help: "Open database connections (the embedded database has one).",
    registers,
    collect() {
      this.set(database.stats().connections);
    },
  });
  if (database.kind === "postgres") {
    new Gauge({
      name: "tollgate_db_pool_idle_connections",
      help: "Open PostgreSQL connections no query holds.",
      registers,
      collect() {
        this.set(database.stats().idle ?? 0);
      },
    });
    new Gauge({
      name: "tollgate_db_pool_waiting_queries",
      help: "Queries waiting for a PostgreSQL connection.",
      registers,
      collect() {
        this.set(database.stats().waiting ?? 0);
      },
    });
  }

  return {
    registry,
    request(trpcPath, status, durationMs) {
      requestDuration.observe({ procedure: labelOf(trpcPath), status: String(status) }, durationMs / 1000);
    },
    signIn(outcome) {
      signIns.inc({ outcome });
    },
    refresh(outcome) {
      refreshes.inc({ outcome });
    },
    hashSlotWait(ms) {
      hashWait.observe(ms / 1000);
    },
    watchHashQueue(hasher) {
      hashQueue = hasher;
    },
  };
}
