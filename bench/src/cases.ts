import { cpus } from "node:os";
import { createPasswordHasher } from "@tollgate/auth";
import { type Child, cpuMs, rssMb, runScript, type ServerChild } from "./processes.js";
import { median } from "./stats.js";

export interface LoadResult {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMsPerRequest: number;
  readonly errors: number;
}

interface DriverResult {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

export interface Budget {
  readonly seconds: number;
  readonly connections: number;
}

export const USER = { username: "bench", password: "bench-password-123" };

export async function signIn(url: string): Promise<{ cookie: string }> {
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify(USER),
  });
  if (!response.ok) throw new Error(`bench sign-in failed: ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { cookie };
}

/** One autocannon run against the server child, with the server's CPU time per request. */
export async function load(
  server: Pick<Child, "pid">,
  name: string,
  budget: Budget,
  request: { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const cpuBefore = cpuMs(server.pid);
  const result = await runScript<DriverResult>("autocannon-driver.ts", [
    JSON.stringify({ ...request, connections: budget.connections, duration: budget.seconds }),
  ]);
  const cpu = cpuMs(server.pid) - cpuBefore;
  return {
    name,
    rps: result.ok / result.seconds,
    p50: result.p50,
    p99: result.p99,
    cpuMsPerRequest: result.ok > 0 ? cpu / result.ok : Number.NaN,
    errors: result.non2xx + result.errors,
  };
}

export type LoadRequest = Parameters<typeof load>[3];

export interface AlternatingCase {
  readonly name: string;
  readonly request: LoadRequest;
  /** The process serving this case (its CPU time is measured); default: the shared server. */
  readonly server?: Pick<Child, "pid">;
  /** Connections for this case; default: the budget's. */
  readonly connections?: number;
}

/**
 * Several cases measured in alternating rounds (A B A B …), so drift on a
 * shared machine lands on every side of a ratio instead of on one.
 */
export async function loadAlternating(
  server: Pick<Child, "pid">,
  cases: readonly AlternatingCase[],
  budget: Budget,
  rounds: number,
): Promise<LoadResult[]> {
  const perRound = { ...budget, seconds: Math.max(1, Math.round(budget.seconds / rounds)) };
  const results: LoadResult[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of cases.entries()) {
      const caseBudget = { ...perRound, connections: c.connections ?? perRound.connections };
      results[i]?.push(await load(c.server ?? server, c.name, caseBudget, c.request));
    }
  }
  const merge = (name: string, parts: LoadResult[]): LoadResult => {
    const requests = parts.reduce((n, p) => n + p.rps * perRound.seconds, 0);
    const cpu = parts.reduce((n, p) => n + p.cpuMsPerRequest * p.rps * perRound.seconds, 0);
    return {
      name,
      rps: requests / (perRound.seconds * parts.length),
      p50: parts.reduce((n, p) => n + p.p50, 0) / parts.length,
      p99: Math.max(...parts.map((p) => p.p99)),
      cpuMsPerRequest: cpu / requests,
      errors: parts.reduce((n, p) => n + p.errors, 0),
    };
  };
  return cases.map((c, i) => merge(c.name, results[i] ?? []));
}

export async function refreshLoad(server: ServerChild, budget: Budget): Promise<LoadResult> {
  const cpuBefore = cpuMs(server.pid);
  const result = await runScript<{ requests: number; errors: number; seconds: number; p50: number; p99: number }>(
    "refresh-driver.ts",
    [server.url, String(budget.connections), String(budget.seconds), USER.username, USER.password],
  );
  const cpu = cpuMs(server.pid) - cpuBefore;
  return {
    name: "auth.refresh (real rotations)",
    rps: result.requests / result.seconds,
    p50: result.p50,
    p99: result.p99,
    cpuMsPerRequest: result.requests > 0 ? cpu / result.requests : Number.NaN,
    errors: result.errors,
  };
}

export interface HashRate {
  readonly perSecond: number;
  /** CPU time (all threads of this process) per verification. */
  readonly cpuMsPerVerify: number;
}

/** Verifications per second with four callers at once and nothing else running, and their CPU time each. */
export async function hashRate(seconds: number, verify: () => Promise<unknown>): Promise<HashRate> {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (performance.now() < deadline) {
        await verify();
        count++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    perSecond: count / ((performance.now() - started) / 1000),
    cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / count,
  };
}

/** argon2id verifications per second at the server's parameters and concurrency (one per core), nothing else running. */
export async function argon2Rate(seconds: number): Promise<HashRate> {
  const hasher = createPasswordHasher();
  const stored = await hasher.hash(USER.password);
  return hashRate(seconds, () => hasher.verify(USER.password, stored));
}

export interface StormResult {
  readonly eventLoopP99Ms: number;
  readonly rssUnderLoadMb: number;
  readonly login: LoadResult;
  readonly me: LoadResult;
}

/** A login storm beside user.me traffic; reads the server's event-loop delay and memory meanwhile. */
export async function loginStorm(server: ServerChild, budget: Budget, cookie: string): Promise<StormResult> {
  await fetch(`${server.bareUrl}/eld/reset`).then((r) => r.arrayBuffer());
  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(server.pid));
  }, 200);
  const half = { ...budget, connections: Math.max(2, Math.floor(budget.connections / 2)) };
  const [login, me] = await Promise.all([
    load(server, "auth.login (storm)", half, {
      url: `${server.url}/trpc/auth.login`,
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify(USER),
    }),
    load(server, "user.me (beside the storm)", half, { url: `${server.url}/trpc/user.me`, headers: { cookie } }),
  ]);
  clearInterval(sampler);
  const eld = (await fetch(`${server.bareUrl}/eld`).then((r) => r.json())) as { p99Ms: number };
  return { eventLoopP99Ms: eld.p99Ms, rssUnderLoadMb: Math.max(rssPeak, rssMb(server.pid)), login, me };
}

export interface TimingResult {
  readonly unknownMedianMs: number;
  readonly wrongPasswordMedianMs: number;
  readonly samples: number;
}

export async function loginTiming(server: ServerChild, samples: number): Promise<TimingResult> {
  const result = await runScript<{ unknown: number[]; wrongPassword: number[] }>("timing-driver.ts", [
    server.url,
    String(samples),
    USER.username,
  ]);
  return {
    unknownMedianMs: median(result.unknown),
    wrongPasswordMedianMs: median(result.wrongPassword),
    samples,
  };
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
}

export interface ResetTimingResult {
  readonly unknownMedianMs: number;
  readonly knownMedianMs: number;
  /** A second series of unknown addresses: how far two medians of the same work drift apart here (the noise). */
  readonly controlMedianMs: number;
  readonly samples: number;
}

/**
 * auth.requestPasswordReset for an unknown and a known address, and a
 * control series of other unknown addresses, interleaved, one at a time.
 */
export async function resetTiming(server: ServerChild, samples: number, mailDir: string): Promise<ResetTimingResult> {
  const result = await runScript<{ unknown: number[]; known: number[]; control: number[] }>("reset-timing-driver.ts", [
    server.url,
    String(samples),
    mailDir,
  ]);
  return {
    unknownMedianMs: median(result.unknown),
    knownMedianMs: median(result.known),
    controlMedianMs: median(result.control),
    samples,
  };
}
