export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99) };
}

export function median(values: number[]): number {
  return summarize(values).p50;
}
