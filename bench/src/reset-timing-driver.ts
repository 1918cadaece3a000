/**
 * Password-reset timing parity, in its own process: signs up `samples`
 * accounts with addresses (the server runs with SIGNUP=open), then alternates
 * auth.requestPasswordReset for an unknown address and for one of those, one
 * at a time, and prints both latency samples as JSON. (A signed-up address
 * stays pending until its link is followed, and reset looks only at confirmed
 * addresses: confirming them needs the mailed links, which this driver cannot
 * read, so today both kinds take the unknown path.) Every address is asked
 * for once, from a client address of its own, so the reset limit never
 * answers first.
 * argv: url samples
 */
const [url = "", samplesText = "100"] = process.argv.slice(2);
const samples = Number(samplesText);
const knownAddress = (i: number) => `reset-${i}@example.com`;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, ...headers },
    body: JSON.stringify(body),
  });
}

for (let i = 0; i < samples; i++) {
  // Each from a client network of its own: sign-ups are limited per network (10 an hour).
  const signUp = await post(
    "auth.signUp",
    { username: `reset-${i}`, email: knownAddress(i), password: `reset timing ${i} passphrase` },
    { "x-forwarded-for": `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}` },
  );
  await signUp.arrayBuffer();
  if (!signUp.ok) throw new Error(`signing up the bench address failed: ${signUp.status}`);
}

async function attempt(email: string, ip: string): Promise<number> {
  const started = performance.now();
  const response = await post("auth.requestPasswordReset", { email }, { "x-forwarded-for": ip });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}`);
  return performance.now() - started;
}

const unknown: number[] = [];
const known: number[] = [];
for (let i = 0; i < samples; i++) {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  unknown.push(await attempt(`nobody-${i}-${Math.random().toString(36).slice(2)}@example.com`, ip));
  known.push(await attempt(knownAddress(i), ip));
}
process.stdout.write(`${JSON.stringify({ unknown, known })}\n`);
