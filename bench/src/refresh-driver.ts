/**
 * Load for auth.refresh, in its own process: each connection holds a real
 * session and presents its newest refresh token every time (a fixed token
 * would be reuse after the grace, not a rotation). Prints one JSON line.
 * argv: url connections durationSeconds username password
 */
import { summarize } from "./stats.js";

const [url = "", connectionsText = "20", durationText = "5", username = "", password = ""] = process.argv.slice(2);
const connections = Number(connectionsText);
const durationMs = Number(durationText) * 1000;

interface Session {
  cookies: Map<string, string>;
}

function store(session: Session, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    session.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

async function login(): Promise<Session> {
  const session: Session = { cookies: new Map() };
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  await response.arrayBuffer();
  store(session, response);
  return session;
}

const sessions = await Promise.all(Array.from({ length: connections }, login));
const latencies: number[] = [];
let errors = 0;
const deadline = performance.now() + durationMs;

await Promise.all(
  sessions.map(async (session) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const cookie = ["refresh_token", "csrf_token"].map((n) => `${n}=${session.cookies.get(n)}`).join("; ");
      const response = await fetch(`${url}/trpc/auth.refresh`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url, cookie, "x-csrf-token": session.cookies.get("csrf_token") ?? "" },
      });
      await response.arrayBuffer();
      if (response.ok) {
        store(session, response);
        latencies.push(performance.now() - started);
      } else {
        errors++;
      }
    }
  }),
);

const summary = summarize(latencies);
process.stdout.write(`${JSON.stringify({ requests: summary.count, errors, seconds: durationMs / 1000, p50: summary.p50, p99: summary.p99 })}\n`);
