/**
 * Password-reset timing parity, in its own process: signs up `samples`
 * accounts with addresses (the server runs with SIGNUP=open), confirms each
 * address through the link the server mailed (written as .eml files under
 * DATA_DIR/mail/, SMTP_URL being unset), then asks auth.requestPasswordReset
 * for an unknown address, for one of those, and for another unknown address
 * (the control: the same work twice shows the machine's noise), one at a
 * time, and prints the three latency samples as JSON. Every address is asked
 * for once, from a client address of its own, so the reset limit never
 * answers first.
 * argv: url samples mailDir
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";

const [url = "", samplesText = "100", mailDir = ""] = process.argv.slice(2);
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

/** The confirmation links mailed so far (the outbox sends them after the answers), read as a mail client would. */
async function mailedTokens(): Promise<string[]> {
  const tokens: string[] = [];
  if (!existsSync(mailDir)) return tokens;
  // Each mail is an .eml (with a readable .txt of its text beside it): read each mail once.
  for (const file of readdirSync(mailDir).filter((name) => name.endsWith(".eml"))) {
    const mail = await simpleParser(readFileSync(join(mailDir, file)));
    const token = /verify-email\?token=([\w-]{43})/.exec(mail.text ?? "")?.[1];
    if (token) tokens.push(token);
  }
  return tokens;
}

// A signed-up address stays pending until its link is followed; reset looks only at confirmed ones.
let tokens: string[] = [];
for (let tries = 0; tries < 600 && tokens.length < samples; tries++) {
  await new Promise((done) => setTimeout(done, 50));
  tokens = await mailedTokens();
}
if (tokens.length < samples)
  throw new Error(`expected ${samples} confirmation mails in ${mailDir}, found ${tokens.length}`);
for (const token of tokens) {
  const verified = await post("auth.verifyEmail", { token });
  await verified.arrayBuffer();
  if (!verified.ok) throw new Error(`confirming a bench address failed: ${verified.status}`);
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
