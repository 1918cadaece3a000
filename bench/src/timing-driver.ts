/**
 * Login timing parity, in its own process: alternates sign-ins with an
 * unknown username and with a known username and a wrong password, one at a
 * time, and prints both latency samples as JSON. Usernames are fresh per
 * attempt so the rate limiter never answers first.
 * argv: url samples knownUsername
 */
const [url = "", samplesText = "100", known = ""] = process.argv.slice(2);
const samples = Number(samplesText);

async function attempt(username: string, ip: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, "x-forwarded-for": ip },
    body: JSON.stringify({ username, password: "definitely wrong" }),
  });
  await response.arrayBuffer();
  if (response.status !== 401) throw new Error(`expected 401, got ${response.status}`);
  return performance.now() - started;
}

const unknown: number[] = [];
const wrongPassword: number[] = [];
for (let i = 0; i < samples; i++) {
  // Distinct client addresses (the server trusts X-Forwarded-For in this run) keep every attempt under the limits.
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  unknown.push(await attempt(`nobody-${i}-${Math.random().toString(36).slice(2)}`, ip));
  wrongPassword.push(await attempt(known, ip));
}
process.stdout.write(`${JSON.stringify({ unknown, wrongPassword })}\n`);
