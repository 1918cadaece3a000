/**
 * A password-guessing storm on one account from one address, in its own
 * process: `clients` parallel clients, each on its own keep-alive connection,
 * POST auth.login back to back for the duration without waiting out
 * Retry-After (an attacker does not). Every `rightEvery`-th attempt carries
 * the right password (the first one included; 0: none), the rest wrong ones.
 * Prints one JSON line: attempts sent, answers by status, and its own CPU time.
 * argv: url clients durationSeconds username rightPassword address rightEvery
 */
import { Agent, request } from "node:http";

const [url = "", clientsText = "200", durationText = "5", username = "", right = "", address = "", everyText = "10"] =
  process.argv.slice(2);
const clients = Number(clientsText);
const durationMs = Number(durationText) * 1000;
const rightEvery = Number(everyText);
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const headers = { "content-type": "application/json", origin: url, "x-forwarded-for": address };

function attempt(password: string): Promise<number> {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: "/trpc/auth.login",
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    // A connection error counts as status 0.
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

const statuses: Record<string, number> = {};
let sent = 0;
let rightSent = 0;
const deadline = performance.now() + durationMs;

await Promise.all(
  Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const n = sent++;
      const isRight = rightEvery > 0 && n % rightEvery === 0;
      if (isRight) rightSent++;
      const status = await attempt(isRight ? right : `wrong guess ${n}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
agent.destroy();

const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ sent, rightSent, statuses, seconds: durationMs / 1000, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
);
