/**
 * `pnpm bench`: measures Tollgate on SQLite (embedded), and on PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, and writes BENCHMARKS.md.
 * `pnpm bench --smoke`: every case for a second, written to bench/results/
 * (CI runs it so the benchmark never rots).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPostgresDatabase } from "@tollgate/server/testing";
import {
  argon2Rate,
  type Budget,
  load,
  loadAlternating,
  loginStorm,
  loginTiming,
  machine,
  refreshLoad,
  signIn,
  USER,
} from "./cases.js";
import { rssMb, type ServerChild, startServerChild } from "./processes.js";
import { profileDir, summarizeProfile } from "./profile.js";
import { type BackendReport, keptSection, renderMarkdown, targets } from "./report.js";

const smoke = process.argv.includes("--smoke");
const budget: Budget = smoke ? { seconds: 1, connections: 10 } : { seconds: 10, connections: 50 };
const root = fileURLToPath(new URL("../../", import.meta.url));

async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function benchBackend(backend: "sqlite" | "postgres", env: Record<string, string>): Promise<BackendReport> {
  console.error(`\n[bench] ${backend}: starting server`);
  const server: ServerChild = await startServerChild(env);
  try {
    await waitHealthy(server.url);
    await new Promise((r) => setTimeout(r, smoke ? 200 : 2000));
    const idleRssMb = rssMb(server.pid);
    const { cookie } = await signIn(server.url);
    // Warm the JIT on every path before anything is measured.
    const warm = { seconds: smoke ? 1 : 3, connections: 10 };
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/meta.info` });
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/auth.session`, headers: { cookie } });
    await load(server, "warm-up", warm, { url: `${server.url}/trpc/user.me`, headers: { cookie } });
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
    const storm = await step("storm", () => loginStorm(server, { ...budget, connections: 16 }, cookie));
    const timing = await step("timing", () => loginTiming(server, smoke ? 10 : 150));
    await server.stop();

    console.error(`[bench] ${backend}: restart on the existing database`);
    const started = performance.now();
    const again = await startServerChild(env);
    await waitHealthy(again.url);
    const restartToHealthyMs = performance.now() - started;
    await again.stop();
    return { backend, loads, argon2, storm, idleRssMb, restartToHealthyMs, timing };
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

function versions(): string {
  const lock = readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
  const version = (name: string) => new RegExp(`\\n  '?${name.replace("/", "\\/")}@([0-9.]+)`).exec(lock)?.[1] ?? "?";
  const packages = ["@trpc/server", "jose", "kysely", "pg", "@node-rs/argon2"].map((n) => `${n} ${version(n)}`);
  return [`node ${process.versions.node} (SQLite ${process.versions.sqlite ?? "?"})`, ...packages].join(", ");
}

const baseEnv = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  INITIAL_USERNAME: USER.username,
  INITIAL_PASSWORD: USER.password,
  TRUST_PROXY: "true",
  LOG_LEVEL: "silent",
  // The storm measures hashing throughput on one account from one address; the limit has its own tests.
  LOGIN_MAX_FAILURES: "100000",
};

/** The server's main thread profiled under the login load (full runs only). */
async function profileLogin(env: Record<string, string>): Promise<string[]> {
  const dir = profileDir();
  const server = await startServerChild(env, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  await waitHealthy(server.url);
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
reports.push(await benchBackend("sqlite", { ...baseEnv, DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-bench-")) }));
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) {
  const database = await createPostgresDatabase(adminUrl, "tollgate_bench");
  try {
    const env = { ...baseEnv, DATABASE_URL: database.url, DATA_DIR: "memory://" };
    reports.push(await benchBackend("postgres", env));
    if (!smoke) profile = { backend: "PostgreSQL", rows: await profileLogin(env) };
  } finally {
    await database.drop();
  }
}

const outFile = smoke ? join(root, "bench/results/smoke.md") : join(root, "BENCHMARKS.md");
const markdown = renderMarkdown(
  reports,
  {
    machine: machine(),
    versions: versions(),
    date: new Date().toISOString().slice(0, 10),
    budget: `${budget.seconds} s per case, ${budget.connections} connections${smoke ? " (smoke run)" : ""}`,
  },
  profile,
  keptSection(existsSync(join(root, "BENCHMARKS.md")) ? readFileSync(join(root, "BENCHMARKS.md"), "utf8") : undefined),
);
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(outFile, markdown);
console.error(`\n[bench] wrote ${outFile}`);
for (const report of reports) {
  for (const t of targets(report))
    console.error(`[bench] ${report.backend}: ${t.met ? "met   " : "MISSED"} ${t.name}: ${t.value}`);
  const errors = [...report.loads, report.storm.login, report.storm.me].reduce((n, l) => n + l.errors, 0);
  if (errors > 0) {
    console.error(`[bench] ${report.backend}: ${errors} failed requests`);
    process.exitCode = 1;
  }
}
