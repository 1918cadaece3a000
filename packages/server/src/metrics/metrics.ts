import type { Metrics, MetricsOptions } from "./metrics-types.js";

export type { Metrics, MetricsOptions, RefreshOutcome, SignInOutcome } from "./metrics-types.js";

const off: Metrics = {
  registry: undefined,
  request() {},
  signIn() {},
  refresh() {},
  hashSlotWait() {},
  watchHashQueue() {},
};

/** No-ops with metrics off; prom-client (and its dependencies) is loaded only when they are on. */
export async function createMetrics(options: MetricsOptions): Promise<Metrics> {
  if (!options.enabled) return off;
  const { createPromMetrics } = await import("./prom-metrics.js");
  return createPromMetrics(options);
}
