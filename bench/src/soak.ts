/**
 * `pnpm soak`: two server instances on one PostgreSQL database, 200 clients
 * each looping login → user.me → refresh → logout across both instances for a
 * bounded time. Passes with zero 5xx and every session ending by its own
 * logout (none lost, none forked into a replay). A full run writes its table
 * into docs/SECURITY.md; `--short` (CI) runs 5 s and only prints.
 * Needs SOAK_DATABASE_URL or TEST_DATABASE_URL (an admin URL: it creates and drops its own database).
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createPostgresDatabase } from "@tollgate/testing";
import pg from "pg";
import { applySetCookies } from "./cookies.js";
import { startServerChild } from "./processes.js";

const short = process.argv.includes("--short");
const seconds = short ? 5 : Number(process.env.SOAK_SECONDS ?? 60);
const clients = short ? 50 : 200;
const adminUrl = process.env.SOAK_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error("pnpm soak needs SOAK_DATABASE_URL or TEST_DATABASE_URL (postgres://…)");
  process.exit(1);
}

const database = await createPostgresDatabase(adminUrl, "tollgate_soak");

const env = {
  DATABASE_URL: database.url,
  DATA_DIR: "memory://",
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  INITIAL_USERNAME: "soak",
  INITIAL_PASSWORD: "soak-password-123",
  LOG_LEVEL: "silent",
  // 200 clients share one address and one account, and sign in at once: checks
  // in flight count against the limit, so it is raised here (the soak measures
  // sessions; the limit has its own tests).
  LOGIN_MAX_FAILURES: "1000",
};
const first = await startServerChild(env);
const second = await startServerChild(env);
const instances = [first.url, second.url];

const statuses = new Map<string, number>();
let loops = 0;
const note = (step: string, status: number) => {
  const key = `${step} ${status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
};

class Client {
  cookies = new Map<string, string>();
  header(names: string[]) {
    return names
      .filter((n) => this.cookies.has(n))
      .map((n) => `${n}=${this.cookies.get(n)}`)
      .join("; ");
  }
  async call(base: string, procedure: string, method: "GET" | "POST", cookieNames: string[], body?: string) {
    const headers: Record<string, string> = { cookie: this.header(cookieNames) };
    if (method === "POST") {
      headers["content-type"] = "application/json";
      headers.origin = base;
      headers["x-csrf-token"] = this.cookies.get("csrf_token") ?? "";
    }
    const response = await fetch(`${base}/trpc/${procedure}`, { method, headers, ...(body ? { body } : {}) });
    await response.arrayBuffer();
    applySetCookies(this.cookies, response.headers.getSetCookie());
    note(procedure, response.status);
    return response.status;
  }
}

const deadline = Date.now() + seconds * 1000;
const started = Date.now();
await Promise.all(
  Array.from({ length: clients }, async (_, i) => {
    const client = new Client();
    const [a, b] =
      i % 2 ? [instances[0] as string, instances[1] as string] : [instances[1] as string, instances[0] as string];
    while (Date.now() < deadline) {
      await client.call(
        a,
        "auth.login",
        "POST",
        [],
        JSON.stringify({ username: "soak", password: "soak-password-123" }),
      );
      await client.call(b, "user.me", "GET", ["access_token"]);
      await client.call(a, "auth.refresh", "POST", ["refresh_token", "csrf_token"]);
      await client.call(b, "auth.logout", "POST", ["access_token", "csrf_token"]);
      loops++;
    }
  }),
);
const elapsed = (Date.now() - started) / 1000;
await first.stop();
await second.stop();

const check = new pg.Client({ connectionString: database.url });
await check.connect();
const { rows } = await check.query<{ reason: string | null; n: string }>(
  "SELECT revoked_reason AS reason, count(*) AS n FROM sessions GROUP BY revoked_reason",
);
await check.end();
await database.drop();

const byReason = Object.fromEntries(rows.map((r) => [r.reason ?? "live", Number(r.n)]));
const serverErrors = [...statuses].filter(([k]) => Number(k.split(" ")[1]) >= 500).reduce((n, [, v]) => n + v, 0);
const unexpected = [...statuses].filter(([k]) => !k.endsWith(" 200")).reduce((n, [, v]) => n + v, 0);
const lost = Object.entries(byReason)
  .filter(([reason]) => reason !== "logout")
  .reduce((n, [, v]) => n + v, 0);
const logins = statuses.get("auth.login 200") ?? 0;

const table = [
  `| clients | instances | seconds | loops | requests/s | non-200 | 5xx | sessions | ended by logout | lost or forked |`,
  `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  `| ${clients} | 2 | ${elapsed.toFixed(0)} | ${loops} | ${((loops * 4) / elapsed).toFixed(0)} | ${unexpected} | ${serverErrors} | ${logins} | ${byReason.logout ?? 0} | ${lost} |`,
].join("\n");
console.log(table);
console.log(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);

const passed = serverErrors === 0 && unexpected === 0 && lost === 0 && (byReason.logout ?? 0) === logins;
if (!short) {
  const file = fileURLToPath(new URL("../../docs/SECURITY.md", import.meta.url));
  const doc = readFileSync(file, "utf8");
  const stamped = `<!-- soak:start -->\n${table}\n\nRun on ${new Date().toISOString().slice(0, 10)}: ${passed ? "passed" : "FAILED"}.\n<!-- soak:end -->`;
  writeFileSync(file, doc.replace(/<!-- soak:start -->[\s\S]*<!-- soak:end -->/, stamped));
}
console.log(passed ? "soak passed" : "soak FAILED");
process.exit(passed ? 0 : 1);
