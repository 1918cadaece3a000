import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessTokenOf,
  backends,
  createPostgresDatabase,
  jwtHeader,
  type MainProcess,
  runCli,
  spawnSource,
  startMain,
  TestBrowser,
} from "./support/index.js";

/** Short enough for a test, the same ratios as production: max-age < promotion delay, TTL for the grace. */
const JWKS_MAX_AGE = 1;
const DELAY = 3;
const TTL = 3;

interface Verdict {
  ok: boolean;
  kid: string;
  code?: string;
}

/** The resource server's verifier in a process of its own (test/fixtures/jwks-verifier.ts). */
function startVerifier(jwksUrl: string) {
  const child = spawnSource("test/fixtures/jwks-verifier.ts", [jwksUrl, String(JWKS_MAX_AGE)], {});
  const waiting: ((verdict: Verdict) => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    waiting.shift()?.(JSON.parse(line) as Verdict);
  });
  return {
    verify(token: string): Promise<Verdict> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin?.write(`${token}\n`);
      });
    },
    stop() {
      child.kill();
    },
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.each(backends())("key rotation on %s, watched by a resource server in another process", (backend) => {
  let env: Record<string, string>;
  let server: MainProcess;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-rotation-")),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      ACCESS_TOKEN_ALG: "EdDSA",
      ACCESS_TOKEN_TTL: String(TTL),
      JWKS_MAX_AGE: String(JWKS_MAX_AGE),
    };
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    server = await startMain({ ...env, INITIAL_USERNAME: "vera", INITIAL_PASSWORD: "vera password" });
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await drop?.();
  });

  it("publishes, promotes and retires a key while every token keeps verifying: nobody is signed out", async () => {
    const verifier = startVerifier(`${server.url}/.well-known/jwks.json`);
    const published = async () =>
      ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const browser = new TestBrowser(server.url);
    expect((await browser.login("vera", "vera password")).status).toBe(200);
    const oldKid = jwtHeader(accessTokenOf(browser)).kid as string;
    const verdicts: Verdict[] = [];
    const timeline: { kid: string; jwks: string[] }[] = [];
    let previous = accessTokenOf(browser);

    /** One step of a signed-in client: refresh, then have the resource server verify the new token and the one before. */
    async function step(): Promise<void> {
      expect((await browser.mutation("auth.refresh")).status).toBe(200);
      const token = accessTokenOf(browser);
      verdicts.push(await verifier.verify(token), await verifier.verify(previous));
      timeline.push({ kid: jwtHeader(token).kid as string, jwks: await published() });
      previous = token;
    }

    try {
      await step();
      const rotated = await runCli(["keys:rotate", "--delay", String(DELAY)], env);
      expect(rotated.stderr).toBe("");
      expect(rotated.code).toBe(0);
      const newKid = /Published EdDSA key ([\w-]+)/.exec(rotated.stdout)?.[1];
      expect(newKid).toBeDefined();

      // Until the old key has left the JWKS (promotion after DELAY, then TTL + 5 s skew).
      const deadline = Date.now() + (DELAY + TTL + 5 + 4 * JWKS_MAX_AGE + 5) * 1000;
      while (Date.now() < deadline && (timeline.at(-1)?.jwks.includes(oldKid) ?? true)) {
        await step();
        await sleep(150);
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
