/**
 * Load for auth.refresh, in its own process: each connection holds a real
 * session and presents its newest refresh token every time (a fixed token
 * would be reuse after the grace, not a rotation). node:http with keep-alive
 * keeps the driver's own cost low on a machine it shares with the server.
 * Prints one JSON line. argv: url connections durationSeconds username password
 */
import { Agent, request } from "node:http";
import { applySetCookies } from "./cookies.js";
import { summarize } from "./stats.js";

const [url = "", connectionsText = "20", durationText = "5", username = "", password = ""] = process.argv.slice(2);
const connections = Number(connectionsText);
const durationMs = Number(durationText) * 1000;
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: connections });

interface Reply {
  status: number;
  setCookies: string[];
}

function post(path: string, headers: Record<string, string>, body = ""): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path,
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, setCookies: res.headers["set-cookie"] ?? [] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

class Session {
  readonly cookies = new Map<string, string>();
  store(reply: Reply): void {
    applySetCookies(this.cookies, reply.setCookies);
  }
}

const base = { "content-type": "application/json", origin: url };

async function login(): Promise<Session> {
  const session = new Session();
  const reply = await post("/trpc/auth.login", base, JSON.stringify({ username, password }));
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status}`);
  session.store(reply);
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
      const csrf = session.cookies.get("csrf_token") ?? "";
      const reply = await post("/trpc/auth.refresh", {
        ...base,
        cookie: `refresh_token=${session.cookies.get("refresh_token")}; csrf_token=${csrf}`,
        "x-csrf-token": csrf,
      });
      if (reply.status === 200) {
        session.store(reply);
        latencies.push(performance.now() - started);
      } else {
        errors++;
      }
    }
  }),
);
agent.destroy();

const summary = summarize(latencies);
process.stdout.write(
  `${JSON.stringify({ requests: summary.count, errors, seconds: durationMs / 1000, p50: summary.p50, p99: summary.p99 })}\n`,
);
