/**
 * Password-reset timing parity, in its own process: signs up `samples`
 * accounts with addresses (the server runs with SIGNUP=open), then alternates
 * auth.requestPasswordReset for an unknown address, for one of those, and for
 * another unknown address (the control: the same work twice shows the
 * machine's noise), one at a time, and prints the three latency samples as JSON. Every address is asked
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
  const signUp = await post("auth.signUp", {
    username: `reset-${i}`,
    email: knownAddress(i),
    password: `reset timing ${i} passphrase`,
  });
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
const control: number[] = [];
const nobody = (i: number) => `nobody-${i}-${Math.random().toString(36).slice(2)}@example.com`;
for (let i = 0; i < samples; i++) {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  // The order rotates, so no series always follows the same one.
  const series = [
    async () => unknown.push(await attempt(nobody(i), ip)),
    async () => known.push(await attempt(knownAddress(i), ip)),
    async () => control.push(await attempt(nobody(i), ip)),
  ];
  for (let k = 0; k < series.length; k++) await series[(i + k) % series.length]?.();
}
process.stdout.write(`${JSON.stringify({ unknown, known, control })}\n`);
