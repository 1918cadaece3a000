/**
 * The guessing storm: many parallel clients from one address guessing one
 * account's password (all wrong: an attacker does not know it) against a server with the
 * contract's default limit, while user.me is measured beside it. The password
 * checks the server ran are counted where they leave a trace that cannot be
 * argued with: the audit_events rows (one `login_failed` per failed check,
 * one `login_succeeded` per right one), read after the server stopped (its
 * shutdown flushes the audit queue).
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { type Budget, type LoadResult, load, USER } from "./cases.js";
import { cpuMs, runScript, type ServerChild } from "./processes.js";

/** The contract's defaults; this case runs on a server child started with them. */
export const DEFAULT_LIMITS = { LOGIN_MAX_FAILURES: "5", LOGIN_WINDOW: "900" } as const;
/** The storm's one client address (documentation range, sent as X-Forwarded-For: no traffic goes there). */
const STORM_ADDRESS = "203.0.113.50";
/**
 * 0: no guess carries the right password. (A right answer starts the account
 * afresh, as the contract says, so an attacker who knew it would need no storm.)
 */
const RIGHT_EVERY = 0;

export interface GuessingStormResult {
  readonly clients: number;
  readonly seconds: number;
  readonly sent: number;
  readonly rightSent: number;
  /** Answers by HTTP status (0: no answer). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly maxFailures: number;
  /** Password checks the server ran for the storm's (account, address), from audit_events. */
  readonly failedChecks: number;
  readonly succeededChecks: number;
  readonly eventLoopP99Ms: number;
  /** The server's CPU time over the storm (guesses and user.me together), and the storm driver's own. */
  readonly serverCpuMs: number;
  readonly driverCpuMs: number;
  readonly me: LoadResult;
}

export type AuditSource = { readonly databaseUrl: string } | { readonly dataDir: string };

/** Password checks the audit trail holds from `address`, by event. */
async function auditCounts(source: AuditSource, address: string): Promise<Map<string, number>> {
  const query =
    "SELECT event, COUNT(*) AS n FROM audit_events WHERE ip = $1 AND event IN ('login_failed', 'login_succeeded') GROUP BY event";
  let rows: { event: string; n: number | string | bigint }[];
  // The storm's address is used by nothing else, so its rows are the storm's checks.
  if ("databaseUrl" in source) {
    const client = new pg.Client({ connectionString: source.databaseUrl });
    await client.connect();
    try {
      rows = (await client.query(query, [address])).rows;
    } finally {
      await client.end();
    }
  } else {
    const db = new DatabaseSync(join(source.dataDir, "tollgate.db"), { readOnly: true });
    try {
      rows = db.prepare(query.replace("$1", "?")).all(address) as typeof rows;
    } finally {
      db.close();
    }
  }
  return new Map(rows.map((r) => [r.event, Number(r.n)]));
}

/**
 * Runs the storm against `server` (started with DEFAULT_LIMITS) beside user.me
 * at `meConnections`, then stops the server and counts the checks it ran.
 */
export async function guessingStorm(
  server: ServerChild,
  options: { budget: Budget; clients: number; meConnections: number; cookie: string; audit: AuditSource },
): Promise<GuessingStormResult> {
  await fetch(`${server.bareUrl}/eld/reset`).then((r) => r.arrayBuffer());
  const cpuBefore = cpuMs(server.pid);
  const [storm, me] = await Promise.all([
    runScript<{ sent: number; rightSent: number; statuses: Record<string, number>; seconds: number; cpuMs: number }>(
      "guessing-driver.ts",
      [
        server.url,
        String(options.clients),
        String(options.budget.seconds),
        USER.username,
        USER.password,
        STORM_ADDRESS,
        String(RIGHT_EVERY),
      ],
    ),
    load(
      server,
      "user.me (beside the guessing storm)",
      { ...options.budget, connections: options.meConnections },
      {
        url: `${server.url}/trpc/user.me`,
        headers: { cookie: options.cookie },
      },
    ),
  ]);
  const serverCpuMs = cpuMs(server.pid) - cpuBefore;
  const eld = (await fetch(`${server.bareUrl}/eld`).then((r) => r.json())) as { p99Ms: number };
  await server.stop();
  const counts = await auditCounts(options.audit, STORM_ADDRESS);
  return {
    clients: options.clients,
    seconds: storm.seconds,
    sent: storm.sent,
    rightSent: storm.rightSent,
    statuses: storm.statuses,
    maxFailures: Number(DEFAULT_LIMITS.LOGIN_MAX_FAILURES),
    failedChecks: counts.get("login_failed") ?? 0,
    succeededChecks: counts.get("login_succeeded") ?? 0,
    eventLoopP99Ms: eld.p99Ms,
    serverCpuMs,
    driverCpuMs: storm.cpuMs,
    me,
  };
}
