/**
 * `pnpm bench`: measures Tollgate on SQLite (embedded), and on PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, and writes BENCHMARKS.md.
 * `pnpm bench --peer`: also better-auth beside Tollgate on that PostgreSQL.
 * `pnpm bench --smoke`: every case for a second, written to bench/results/
 * (CI runs it so the benchmark never rots; it never starts the peer).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPostgresDatabase } from "@tollgate/testing";
import {
  argon2Rate,
  type Budget,
  load,
  loadAlternating,
  loginStorm,
  loginTiming,
  machine,
  refreshLoad,
  resetTiming,
  signIn,
  USER,
} from "./cases.js";
import { type AuditSource, DEFAULT_LIMITS, guessingStorm } from "./guessing-storm.js";
import type { PeerReport } from "./peer.js";
import { idleRss, rssMb, type ServerChild, startServerChild, waitHealthy } from "./processes.js";
import { profileDir, summarizeProfile } from "./profile.js";
import { keptSection, renderMarkdown } from "./report.js";
import { type BackendReport, guessingHashes, targets } from "./targets.js";

const smoke = process.argv.includes("--smoke");
const withPeer = process.argv.includes("--peer");
const budget: Budget = smoke ? { seconds: 1, connections: 10 } : { seconds: 10, connections: 50 };
const root = fileURLToPath(new URL("../../", import.meta.url));
const idle = () => new Promise((r) => setTimeout(r, smoke ? 200 : 2000));
/** Idle RSS is read 2 s after the warm-up and again after 15 s idle (smoke: 0.2 s, no settling). */
const IDLE_MS = smoke ? { soon: 200, settled: 200 } : { soon: 2000, settled: 15000 };

async function benchBackend(
  backend: "sqlite" | "postgres",
  env: Record<string, string>,
  audit: AuditSource,
): Promise<BackendReport> {
  console.error(`\n[bench] ${backend}: starting server`);
  const server: ServerChild = await startServerChild(env);
  try {
    await waitHealthy(`${server.url}/healthz`);
    await idle();
    const startRssMb = rssMb(server.pid);
    const { cookie } = await signIn(server.url);
    // Warm the JIT on every path before anything is measured.
    const warm = { seconds: smoke ? 1 : 3, connections: 10 };
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/meta.info` });
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/auth.session`, headers: { cookie } });
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/user.me`, headers: { cookie } });
    const afterWarmUp = await idleRss([server.pid], IDLE_MS.soon, IDLE_MS.settled);
    const loads = [];
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      console.error(`[bench] ${backend}: ${name}`);
      return fn();
    };
    loads.push(
      await step("bare", () =>
        load(server, "bare node:http JSON (ceiling)", budget, { url: `${server.bareUrl}/json` }),
      ),
    );
    loads.push(
      ...(await step("open and protected, alternating", () =>
        loadAlternating(
          server,
          [
            { name: "tRPC query, unprotected", request: { url: `${server.url}/trpc/meta.info` } },
            {
              name: "tRPC query behind auth (cookie + JWT, no database)",
              request: { url: `${server.url}/trpc/auth.session`, headers: { cookie } },
            },
          ],
          budget,
          smoke ? 1 : 4,
        ),
      )),
    );
    loads.push(
      await step("user.me", () =>
        load(server, "user.me", budget, { url: `${server.url}/trpc/user.me`, headers: { cookie } }),
      ),
    );
    loads.push(
      await step("refresh", () => refreshLoad(server, { ...budget, connections: Math.min(budget.connections, 20) })),
    );
    loads.push(
      await step("login", () =>
        load(
          server,
          "auth.login",
          { ...budget, connections: 8 },
          {
            url: `${server.url}/trpc/auth.login`,
            method: "POST",
            headers: { "content-type": "application/json", origin: server.url },
            body: JSON.stringify(USER),
          },
        ),
      ),
    );
    const argon2 = await step("argon2", () => argon2Rate(smoke ? 1 : 5));
    const stormBudget = { ...budget, connections: 16 };
    const storm = await step("storm", () => loginStorm(server, stormBudget, cookie));
    const timing = await step("timing", () => loginTiming(server, smoke ? 10 : 150));
    const reset = await step("reset timing", () =>
      resetTiming(server, smoke ? 10 : 150, join(env.DATA_DIR ?? "", "mail")),
    );
    await server.stop();

    // The restart is timed on a process started with the contract's default
    // sign-in limit, which then takes the guessing storm (the throughput
    // cases above need the limit raised: one account from one address).
    console.error(`[bench] ${backend}: restart on the existing database, default sign-in limit`);
    const started = performance.now();
    const again = await startServerChild({ ...env, ...DEFAULT_LIMITS });
    try {
      await waitHealthy(`${again.url}/healthz`);
      const restartToHealthyMs = performance.now() - started;
      await load(again, "warm-up", warm, { url: `${again.url}/trpc/user.me`, headers: { cookie } });
      const guessing = await step("guessing storm", () =>
        guessingStorm(again, {
          budget,
          clients: 200,
          meConnections: Math.max(2, Math.floor(stormBudget.connections / 2)),
          cookie,
          audit,
        }),
      );
      return {
        backend,
        loads,
        argon2,
        storm,
        guessing,
        startRssMb,
        idleSoonRssMb: afterWarmUp.soon[0] ?? Number.NaN,
        idleRssMb: afterWarmUp.settled[0] ?? Number.NaN,
        restartToHealthyMs,
        timing,
        resetTiming: reset,
      };
    } finally {
      await again.stop();
    }
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

function lockedVersion(name: string): string {
  const lock = readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
  return new RegExp(`\\n  '?${name.replace("/", "\\/")}@([0-9.]+)`).exec(lock)?.[1] ?? "?";
}

function versions(): string {
  const packages = ["@trpc/server", "jose", "kysely", "pg", "@node-rs/argon2"].map((n) => `${n} ${lockedVersion(n)}`);
  return [`node ${process.versions.node} (SQLite ${process.versions.sqlite ?? "?"})`, ...packages].join(", ");
}

const baseEnv = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  INITIAL_USERNAME: USER.username,
  INITIAL_PASSWORD: USER.password,
  TRUST_PROXY: "true",
  LOG_LEVEL: "silent",
  // The throughput storm measures hashing on one account from one address, so the limit is raised here;
  // the guessing storm runs on a process with the contract's default (DEFAULT_LIMITS).
  LOGIN_MAX_FAILURES: "100000",
  // The password-reset timing case signs up the accounts whose addresses it asks for.
  SIGNUP: "open",
};

/** The server's main thread profiled under the login load (full runs only). */
async function profileLogin(env: Record<string, string>): Promise<string[]> {
  const dir = profileDir();
  const server = await startServerChild(env, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  await waitHealthy(`${server.url}/healthz`);
  await load(
    server,
    "auth.login (profiled)",
    { seconds: 8, connections: 8 },
    {
      url: `${server.url}/trpc/auth.login`,
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify(USER),
    },
  );
  await server.stop();
  return summarizeProfile(dir);
}

const reports: BackendReport[] = [];
let profile: { backend: string; rows: string[] } | undefined;
let peer: PeerReport | undefined;
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (withPeer && !adminUrl) {
  console.error(
    "pnpm bench --peer needs BENCH_DATABASE_URL or TEST_DATABASE_URL (postgres://…): the peer runs on PostgreSQL",
  );
  process.exit(1);
}
const dataDir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
reports.push(await benchBackend("sqlite", { ...baseEnv, DATA_DIR: dataDir }, { dataDir }));
if (adminUrl) {
  const database = await createPostgresDatabase(adminUrl, "tollgate_bench");
  try {
    // DATA_DIR holds only the mails written as files (the reset-timing case confirms addresses from them).
    const env = { ...baseEnv, DATABASE_URL: database.url, DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-bench-")) };
    const postgres = await benchBackend("postgres", env, { databaseUrl: database.url });
    reports.push(postgres);
    if (withPeer) {
      const { benchPeer } = await import("./peer.js");
      peer = await benchPeer({
        adminUrl,
        tollgateEnv: env,
        budget,
        smoke,
        idleMs: IDLE_MS,
        argon2Rate: postgres.argon2,
        versions: `better-auth ${lockedVersion("better-auth")} (@better-auth/utils ${lockedVersion("@better-auth/utils")})`,
      });
    }
    if (!smoke) profile = { backend: "PostgreSQL", rows: await profileLogin(env) };
  } finally {
    await database.drop();
  }
}

const run = { backends: reports, peer };
const markdown = renderMarkdown(
  run,
  {
    machine: machine(),
    versions: versions(),
    date: new Date().toISOString().slice(0, 10),
    budget: `${budget.seconds} s per case, ${budget.connections} connections${smoke ? " (smoke run)" : ""}`,
  },
  profile,
  keptSection(existsSync(join(root, "BENCHMARKS.md")) ? readFileSync(join(root, "BENCHMARKS.md"), "utf8") : undefined),
);
const outFile = smoke ? join(root, "bench/results/smoke.md") : join(root, "BENCHMARKS.md");
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(outFile, markdown);
console.error(`\n[bench] wrote ${outFile}`);
for (const t of targets(run)) {
  const verdict = t.met === undefined ? "figure" : t.met ? "met   " : "MISSED";
  console.error(`[bench] ${t.database}: ${verdict} ${t.name}: ${t.value}`);
}
for (const report of reports) {
  const errors = [...report.loads, report.storm.login, report.storm.me, report.guessing.me].reduce(
    (n, l) => n + l.errors,
    0,
  );
  if (errors > 0) {
    console.error(`[bench] ${report.backend}: ${errors} failed requests`);
    process.exitCode = 1;
  }
  // Every guess must be answered 200, 401 or 429: anything else (5xx, no answer) is a failure.
  const unexpected = Object.entries(report.guessing.statuses).filter(([s]) => !["200", "401", "429"].includes(s));
  if (unexpected.length > 0) {
    console.error(`[bench] ${report.backend}: guessing storm answers ${JSON.stringify(report.guessing.statuses)}`);
    process.exitCode = 1;
  }
  console.error(
    `[bench] ${report.backend}: guessing storm: ${report.guessing.sent} attempts, ${guessingHashes(report.guessing)} hashes`,
  );
}
for (const row of peer?.rows ?? []) {
  if (row.tollgate.errors + row.peer.errors > 0) {
    console.error(`[bench] peer: ${row.name}: ${row.tollgate.errors} + ${row.peer.errors} failed requests`);
    process.exitCode = 1;
  }
}
