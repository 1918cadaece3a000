import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import type { RepeatTimer } from "../src/signing-keys.js";
import {
  accessTokenOf,
  backends,
  createPostgresDatabase,
  jwtHeader,
  runCli,
  spawnSource,
  TestBrowser,
} from "./support/index.js";

/** Short enough for a test, the same ratios as production: max-age < promotion delay, TTL for the grace. */
const JWKS_MAX_AGE = 1;
const DELAY = 3;
const TTL = 3;
/** How far the clock moves between two steps of the signed-in client (half the max-age). */
const STEP_MS = 500;

interface Verdict {
  ok: boolean;
  kid: string;
  code?: string;
}

/**
 * The test's clock, which the server, its key-reload timer and the resource
 * server all read: time passes only when the test advances it, and a reload
 * runs (and is awaited) each time the clock passes its interval.
 */
function createTimedClock(start: number) {
  let now = start;
  const timers: { task: () => Promise<void>; intervalMs: number; due: number }[] = [];
  const repeat: RepeatTimer = (task, intervalMs) => {
    const timer = { task, intervalMs, due: now + intervalMs };
    timers.push(timer);
    return { stop: () => void timers.splice(timers.indexOf(timer), 1) };
  };
  return {
    now: () => now,
    repeat,
    intervals: () => timers.map((t) => t.intervalMs),
    /** Moves the clock on by `ms`, running every timer that falls due on the way at its own instant. */
    async advance(ms: number): Promise<void> {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.due <= until).sort((a, b) => a.due - b.due)[0];
        if (!next) break;
        now = next.due;
        next.due += next.intervalMs;
        await next.task();
      }
      now = until;
    },
  };
}

/** The resource server's verifier in a process of its own (test/fixtures/jwks-verifier.ts), on the test's clock. */
function startVerifier(jwksUrl: string) {
  const child = spawnSource("test/fixtures/jwks-verifier.ts", [jwksUrl, String(JWKS_MAX_AGE)], {});
  const waiting: ((verdict: Verdict) => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    waiting.shift()?.(JSON.parse(line) as Verdict);
  });
  return {
    /** Verifies `token` at the instant `at` (epoch ms). */
    verify(token: string, at: number): Promise<Verdict> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin?.write(`${at} ${token}\n`);
      });
    },
    stop() {
      child.kill();
    },
  };
}

describe.each(backends())("key rotation on %s, watched by a resource server in another process", (backend) => {
  let clock: ReturnType<typeof createTimedClock>;
  let env: Record<string, string>;
  let app: App;
  let url: string;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const authSecret = randomBytes(32).toString("base64url");
    env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-rotation-")),
      AUTH_SECRET: authSecret,
      ACCESS_TOKEN_ALG: "EdDSA",
      ACCESS_TOKEN_TTL: String(TTL),
      JWKS_MAX_AGE: String(JWKS_MAX_AGE),
    };
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    // The server from the same environment the CLI reads, on the test's clock.
    clock = createTimedClock(Date.now());
    const parsed = parseConfig({
      ...env,
      LOG_LEVEL: "silent",
      INITIAL_USERNAME: "vera",
      INITIAL_PASSWORD: "vera password",
    });
    app = await createApp({
      config: { ...parsed, authSecret },
      now: clock.now,
      signingKeyReloadTimer: clock.repeat,
    });
    url = await app.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it("publishes, promotes and retires a key while every token keeps verifying: nobody is signed out", async () => {
    const verifier = startVerifier(`${url}/.well-known/jwks.json`);
    const published = async () =>
      ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    // The server reads its keys again every max-age: the only timer its clock drives here.
    expect(clock.intervals()).toEqual([JWKS_MAX_AGE * 1000]);
    const browser = new TestBrowser(url);
    expect((await browser.login("vera", "vera password")).status).toBe(200);
    const oldKid = jwtHeader(accessTokenOf(browser)).kid as string;
    const verdicts: Verdict[] = [];
    const timeline: { kid: string; jwks: string[] }[] = [];
    let previous = accessTokenOf(browser);

    /** One step of a signed-in client: refresh, then have the resource server verify the new token and the one before. */
    async function step(): Promise<void> {
      expect((await browser.mutation("auth.refresh")).status).toBe(200);
      const token = accessTokenOf(browser);
      verdicts.push(await verifier.verify(token, clock.now()), await verifier.verify(previous, clock.now()));
      timeline.push({ kid: jwtHeader(token).kid as string, jwks: await published() });
      previous = token;
    }

    try {
      // The server reads the store only when its reload timer fires, on the test's clock: the
      // operator's command may run while the client takes its first step, before the rotation.
      const rotation = runCli(["keys:rotate", "--delay", String(DELAY)], env);
      await step();
      const rotated = await rotation;
      expect(rotated.stderr).toBe("");
      expect(rotated.code).toBe(0);
      const newKid = /Published EdDSA key ([\w-]+)/.exec(rotated.stdout)?.[1];
      expect(newKid).toBeDefined();
      // The CLI timed the promotion by the wall clock, which has run on since the test's clock was set.
      const promotesAt = Date.parse(/it signs from (\S+) /.exec(rotated.stdout)?.[1] ?? "");
      expect(promotesAt).toBeGreaterThan(clock.now());

      // Until the old key has left the JWKS (promotion after DELAY, then TTL + 5 s skew).
      const deadline = promotesAt + (TTL + 5 + 4 * JWKS_MAX_AGE + 5) * 1000;
      while (clock.now() < deadline && (timeline.at(-1)?.jwks.includes(oldKid) ?? true)) {
        await step();
        await clock.advance(STEP_MS);
      }

      expect(verdicts.filter((v) => !v.ok)).toEqual([]);
      const kids = timeline.map((t) => t.kid);
      const firstNew = kids.indexOf(newKid as string);
      expect(firstNew).toBeGreaterThan(0);
      // Old key until the promotion, the new one from then on.
      expect(new Set(kids.slice(0, firstNew))).toEqual(new Set([oldKid]));
      expect(new Set(kids.slice(firstNew))).toEqual(new Set([newKid]));
      // The next key was published before it signed; the old one stayed published after it retired, then left.
      expect(timeline.some((t, i) => i < firstNew && t.jwks.includes(newKid as string))).toBe(true);
      expect(timeline[firstNew]?.jwks).toEqual([newKid, oldKid]);
      expect(timeline.at(-1)?.jwks).toEqual([newKid]);
      // Tokens of the old key were verified by the resource server after the new one had taken over.
      expect(verdicts.some((v, i) => v.kid === oldKid && i >= 2 * firstNew)).toBe(true);
    } finally {
      verifier.stop();
    }
  });
});
