import { cpus } from "node:os";
import { createPasswordHasher } from "@tollgate/auth";
import { cpuMs, rssMb, runScript, type ServerChild } from "./processes.js";
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
  server: ServerChild,
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

type LoadRequest = Parameters<typeof load>[3];

/**
 * Two cases measured in alternating rounds (A B A B …), so drift on a shared
 * machine lands on both sides of a ratio instead of on one.
 */
export async function loadAlternating(
  server: ServerChild,
  cases: readonly [{ name: string; request: LoadRequest }, { name: string; request: LoadRequest }],
  budget: Budget,
  rounds: number,
): Promise<[LoadResult, LoadResult]> {
  const perRound = { ...budget, seconds: Math.max(1, Math.round(budget.seconds / rounds)) };
  const results: LoadResult[][] = [[], []];
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of cases.entries()) results[i]?.push(await load(server, c.name, perRound, c.request));
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
  return [merge(cases[0].name, results[0] ?? []), merge(cases[1].name, results[1] ?? [])];
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

export interface Argon2Rate {
  readonly perSecond: number;
  /** CPU time (all threads of this process) per verification. */
  readonly cpuMsPerVerify: number;
}

/** argon2id verifications per second at the server's parameters and concurrency (one per core), nothing else running. */
export async function argon2Rate(seconds: number): Promise<Argon2Rate> {
  const hasher = createPasswordHasher();
  const stored = await hasher.hash(USER.password);
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (performance.now() < deadline) {
        await hasher.verify(USER.password, stored);
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
