/** BENCHMARKS.md (or the smoke run's copy) from one run's figures. */
import { DEFAULT_ARGON2_PARAMS } from "@tollgate/auth";
import { DEFAULT_LIMITS } from "./guessing-storm.js";
import type { PeerReport } from "./peer.js";
import { type BackendReport, f, guessingHashes, type RunReport, targets } from "./targets.js";

const { memoryCost: m, timeCost: t, parallelism: p } = DEFAULT_ARGON2_PARAMS;
const ARGON2 = `argon2id m=${m} t=${t} p=${p}`;

function backendSection(report: BackendReport): string[] {
  const title = report.backend === "postgres" ? "PostgreSQL" : "SQLite (embedded)";
  const lines = [`## ${title}`, ""];
  lines.push("| case | req/s | p50 ms | p99 ms | server CPU ms/req | errors |", "|---|---:|---:|---:|---:|---:|");
  const g = report.guessing;
  for (const l of [...report.loads, report.storm.login, report.storm.me, g.me]) {
    lines.push(
      `| ${l.name} | ${f(l.rps)} | ${f(l.p50, 1)} | ${f(l.p99, 1)} | ${f(l.cpuMsPerRequest, 3)} | ${l.errors} |`,
    );
  }
  const answered = (status: string) => g.statuses[status] ?? 0;
  const others = Object.entries(g.statuses)
    .filter(([status]) => !["200", "401", "429"].includes(status))
    .map(([status, n]) => `${n} × ${status === "0" ? "no answer" : status}`);
  lines.push(
    "",
    `- Raw argon2id verifications (${ARGON2}, one per core at once): ${f(report.argon2.perSecond)} /s, ${f(report.argon2.cpuMsPerVerify, 2)} ms CPU each`,
    `- Event-loop delay p99 during the login storm: ${f(report.storm.eventLoopP99Ms, 1)} ms`,
    `- RSS: ${f(report.startRssMb)} MB after start; after the warm-up load ${f(report.idleSoonRssMb)} MB 2 s later and ${f(report.idleRssMb)} MB after 15 s idle (V8 gives back the heap it grew under load only after some seconds idle); ${f(report.storm.rssUnderLoadMb)} MB at most under the login storm`,
    `- Start to healthy /healthz on the existing database: ${f(report.restartToHealthyMs)} ms`,
    `- Login timing (${report.timing.samples} samples each): unknown user median ${f(report.timing.unknownMedianMs, 1)} ms, wrong password median ${f(report.timing.wrongPasswordMedianMs, 1)} ms`,
    `- Password-reset timing (${report.resetTiming.samples} requests each): unknown address median ${f(report.resetTiming.unknownMedianMs, 2)} ms, known address median ${f(report.resetTiming.knownMedianMs, 2)} ms, second unknown series ${f(report.resetTiming.controlMedianMs, 2)} ms`,
    `- Guessing storm on one account (LOGIN_MAX_FAILURES=${g.maxFailures}, LOGIN_WINDOW=${DEFAULT_LIMITS.LOGIN_WINDOW}, its own server process): ${g.clients} parallel clients from one address sent ${g.sent} sign-in attempts in ${f(g.seconds)} s (${g.rightSent} with the right password); answered ${answered("200")} × 200, ${answered("401")} × 401, ${answered("429")} × 429${others.length > 0 ? `, ${others.join(", ")}` : ""}. Password hashes the server ran for that account and address (audit_events): ${guessingHashes(g)} (${g.failedChecks} \`login_failed\`, ${g.succeededChecks} \`login_succeeded\`). Event-loop delay p99 meanwhile: ${f(g.eventLoopP99Ms, 1)} ms. user.me beside it: ${f(g.me.rps)} req/s, ${f(g.me.rps / report.storm.me.rps, 2)} × user.me beside the throughput storm (${f(report.storm.me.rps)} req/s).`,
    "",
  );
  return lines;
}

function peerSection(peer: PeerReport): string[] {
  const { N, r, p: scryptP, dkLen } = peer.scrypt;
  const lines = [
    "## Peer: better-auth",
    "",
    `${peer.versions}, email and password, on node:http (\`toNodeHandler\`), PostgreSQL through a pg pool of 10 (as Tollgate's) in a database of its own, tables from its own migration (\`getMigrations\`) at start, rate limit off, each side in its own process. Every pair ran in alternating rounds in the same run; the Tollgate figures here are from those rounds, beside the peer, so they differ a little from the PostgreSQL table above.`,
    "",
    `- Password hashes: Tollgate ${ARGON2} (19 MiB, hashing capped at one per core); better-auth scrypt N=${N}, r=${r}, p=${scryptP}, 64-byte key (${f((128 * N * r) / 1048576)} MiB, on libuv's thread pool, dkLen=${dkLen}). Raw verifications, four callers at once, nothing else running: argon2id ${f(peer.argon2Rate.perSecond)} /s (${f(peer.argon2Rate.cpuMsPerVerify, 2)} ms CPU each), scrypt ${f(peer.scryptRate.perSecond)} /s (${f(peer.scryptRate.cpuMsPerVerify, 2)} ms CPU each).`,
    "- Session checks: Tollgate's user.me verifies the access token (HS256 JWT) and reads the user; auth.session answers from the token alone. better-auth's get-session with the cookie cache on checks the signed `session_data` cookie (5 min) and reads nothing; off, it reads the session and the user from PostgreSQL.",
    "",
    "| case | Tollgate req/s | better-auth req/s | Tollgate ÷ better-auth | Tollgate CPU ms/req | better-auth CPU ms/req | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of peer.rows) {
    lines.push(
      `| ${row.name} | ${f(row.tollgate.rps)} | ${f(row.peer.rps)} | ${f(row.tollgate.rps / row.peer.rps, 2)} | ${f(row.tollgate.cpuMsPerRequest, 3)} | ${f(row.peer.cpuMsPerRequest, 3)} | ${row.tollgate.errors + row.peer.errors} |`,
    );
  }
  const { tollgate, peer: other } = peer.idleRssMb;
  lines.push(
    `| idle RSS after warm-up and 15 s idle (MB, lower is better) | ${f(tollgate.settled)} | ${f(other.settled)} | ${f(tollgate.settled / other.settled, 2)} | | | |`,
    `| idle RSS 2 s after warm-up (MB) | ${f(tollgate.soon)} | ${f(other.soon)} | ${f(tollgate.soon / other.soon, 2)} | | | |`,
    "",
  );
  return lines;
}

/** Hand-written sections of BENCHMARKS.md live between these markers; a new run keeps them. */
export const KEPT_START = "<!-- hand-written: kept by pnpm bench -->";
export const KEPT_END = "<!-- end of hand-written -->";

/** The hand-written block (markers included) of an earlier BENCHMARKS.md, if it has one. */
export function keptSection(previous: string | undefined): string | undefined {
  const start = previous?.indexOf(KEPT_START) ?? -1;
  const end = previous?.indexOf(KEPT_END, start) ?? -1;
  if (previous === undefined || start === -1 || end === -1) return undefined;
  return previous.slice(start, end + KEPT_END.length);
}

export function renderMarkdown(
  run: RunReport,
  meta: { machine: string; versions: string; date: string; budget: string },
  profile: { backend: string; rows: string[] } | undefined,
  kept?: string,
): string {
  const lines: string[] = [
    "# Benchmarks",
    "",
    "Written by `pnpm bench` (`bench/src/run.ts`; `pnpm bench --peer` adds better-auth beside Tollgate); every figure below comes from one run.",
    "The server runs in its own process; load comes from separate processes (autocannon, and small",
    "drivers for refresh rotations that must carry each session's newest token and for the guessing storm) on 127.0.0.1.",
    "On a 2-core machine the load generator shares the cores with the server, so absolute",
    "figures are lower than on a dedicated host, and they move by 10–20 % between runs on this",
    "virtual machine; the ratios are what the targets judge. Cases compared by a ratio (unprotected",
    "and protected queries, Tollgate and better-auth) run in alternating rounds so drift falls on both sides.",
    "",
    `- Machine: ${meta.machine}`,
    `- Versions: ${meta.versions}`,
    `- Date: ${meta.date}`,
    `- Load: ${meta.budget}`,
    "",
    ...(kept ? [kept, ""] : []),
    "## Targets",
    "",
    "| target | database | this run | met |",
    "|---|---|---:|:---:|",
  ];
  const list = targets(run);
  const met = (m: boolean | undefined) => {
    if (m === undefined) return "—";
    return m ? "yes" : "**no**";
  };
  for (const t of list) lines.push(`| ${t.name} | ${t.database} | ${t.value} | ${met(t.met)} |`);
  lines.push("", "— : recorded, no threshold set.", "");
  for (const t of list.filter((x) => x.met === false && x.why)) {
    lines.push(`- **${t.name} (${t.database}), missed:** ${t.why}`);
  }
  lines.push("");
  for (const report of run.backends) lines.push(...backendSection(report));
  if (run.peer) lines.push(...peerSection(run.peer));
  if (profile) {
    lines.push(
      "## Profile",
      "",
      `The server's main thread under the auth.login load on ${profile.backend} (\`node --cpu-prof\`), largest self times. argon2id itself runs on libuv's thread pool and does not appear; "(idle)" is the main thread waiting for it.`,
      "",
      "| function | ms | share |",
      "|---|---:|---:|",
      ...profile.rows,
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}
