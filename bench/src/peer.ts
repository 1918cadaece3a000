/**
 * `pnpm bench --peer`: Tollgate beside better-auth (email + password, on
 * node:http through its toNodeHandler, on the same PostgreSQL in a database of
 * its own, rate limit off), each in its own process, measured in alternating
 * rounds so drift on the shared machine falls on both sides of every ratio.
 * Loaded only for --peer: the smoke run never touches better-auth.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createPostgresDatabase } from "@tollgate/testing";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { type Budget, type HashRate, hashRate, type LoadResult, load, loadAlternating, signIn, USER } from "./cases.js";
import { type Child, idleRss, startChild, startServerChild, waitHealthy } from "./processes.js";

const PEER_USER = { email: "bench@example.com", password: USER.password };

export interface PeerRow {
  readonly name: string;
  readonly tollgate: LoadResult;
  readonly peer: LoadResult;
}

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly dkLen: number;
}

export interface PeerReport {
  readonly versions: string;
  readonly scrypt: ScryptParams;
  readonly scryptRate: HashRate;
  readonly argon2Rate: HashRate;
  readonly rows: PeerRow[];
  /** After the same warm-up and idle time (the targets judge `settled`). */
  readonly idleRssMb: { readonly tollgate: IdleMemory; readonly peer: IdleMemory };
}

export interface IdleMemory {
  readonly soon: number;
  readonly settled: number;
}

/** better-auth's scrypt parameters, read from the module that hashes its passwords (they are not exported). */
function scryptParams(): ScryptParams {
  const betterAuth = fileURLToPath(import.meta.resolve("better-auth"));
  const file = createRequire(betterAuth).resolve("@better-auth/utils/password");
  const source = readFileSync(file, "utf8");
  const read = (key: string) => Number(new RegExp(`\\b${key}: (\\d+)`).exec(source)?.[1] ?? Number.NaN);
  return { N: read("N"), r: read("r"), p: read("p"), dkLen: read("dkLen") };
}

async function peerSignIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify(PEER_USER),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`better-auth sign-in failed: ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
}

export async function benchPeer(options: {
  adminUrl: string;
  tollgateEnv: Record<string, string>;
  budget: Budget;
  smoke: boolean;
  idleMs: { soon: number; settled: number };
  argon2Rate: HashRate;
  versions: string;
}): Promise<PeerReport> {
  const { budget, smoke } = options;
  console.error("\n[bench] peer: raw scrypt verifications");
  const stored = await hashPassword(PEER_USER.password);
  const scryptRate = await hashRate(smoke ? 1 : 5, () =>
    verifyPassword({ hash: stored, password: PEER_USER.password }),
  );

  const database = await createPostgresDatabase(options.adminUrl, "better_auth_bench");
  const children: Child[] = [];
  try {
    console.error("[bench] peer: starting Tollgate and better-auth (cookie cache on, and off)");
    const tollgate = await startServerChild(options.tollgateEnv);
    children.push(tollgate);
    await waitHealthy(`${tollgate.url}/healthz`);
    const peerEnv = {
      PEER_DATABASE_URL: database.url,
      PEER_SECRET: randomBytes(32).toString("base64url"),
      PEER_EMAIL: PEER_USER.email,
      PEER_PASSWORD: PEER_USER.password,
    };
    // One after the other: the first runs better-auth's migration, the second finds it done.
    const cached = await startChild<Child>("peer-child.mjs", { ...peerEnv, PEER_COOKIE_CACHE: "on" });
    children.push(cached);
    const uncached = await startChild<Child>("peer-child.mjs", { ...peerEnv, PEER_COOKIE_CACHE: "off" });
    children.push(uncached);

    const { cookie } = await signIn(tollgate.url);
    const cachedCookie = await peerSignIn(cached.url);
    const uncachedCookie = await peerSignIn(uncached.url);
    const tollgateMe = { url: `${tollgate.url}/trpc/user.me`, headers: { cookie } };
    const cachedSession = { url: `${cached.url}/api/auth/get-session`, headers: { cookie: cachedCookie } };
    const uncachedSession = { url: `${uncached.url}/api/auth/get-session`, headers: { cookie: uncachedCookie } };

    // The same warm-up on each side (an unprotected route, then the session check), then idle.
    const warm = { seconds: smoke ? 1 : 3, connections: 10 };
    await load(tollgate, "warm-up", warm, { url: `${tollgate.url}/trpc/meta.info` });
    await load(tollgate, "warm-up", warm, tollgateMe);
    await load(cached, "warm-up", warm, { url: `${cached.url}/api/auth/ok` });
    await load(cached, "warm-up", warm, cachedSession);
    await load(uncached, "warm-up", warm, uncachedSession);
    const rss = await idleRss([tollgate.pid, cached.pid], options.idleMs.soon, options.idleMs.settled);
    const idleRssMb = {
      tollgate: { soon: rss.soon[0] ?? Number.NaN, settled: rss.settled[0] ?? Number.NaN },
      peer: { soon: rss.soon[1] ?? Number.NaN, settled: rss.settled[1] ?? Number.NaN },
    };

    const rounds = smoke ? 1 : 4;
    console.error("[bench] peer: unprotected route");
    const [tgOpen, baOk] = await loadAlternating(
      tollgate,
      [
        { name: "Tollgate meta.info", request: { url: `${tollgate.url}/trpc/meta.info` } },
        { name: "better-auth /api/auth/ok", server: cached, request: { url: `${cached.url}/api/auth/ok` } },
      ],
      budget,
      rounds,
    );
    console.error("[bench] peer: session checks");
    const [tgMe, tgSession, baCached, baUncached] = await loadAlternating(
      tollgate,
      [
        { name: "Tollgate user.me", request: tollgateMe },
        {
          name: "Tollgate auth.session",
          request: { url: `${tollgate.url}/trpc/auth.session`, headers: { cookie } },
        },
        { name: "better-auth get-session (cookie cache on)", server: cached, request: cachedSession },
        { name: "better-auth get-session (cookie cache off)", server: uncached, request: uncachedSession },
      ],
      budget,
      rounds,
    );
    console.error("[bench] peer: sign-in");
    const signInHeaders = { "content-type": "application/json" };
    const [tgLogin, baSignIn] = await loadAlternating(
      tollgate,
      [
        {
          name: "Tollgate auth.login",
          request: {
            url: `${tollgate.url}/trpc/auth.login`,
            method: "POST",
            headers: { ...signInHeaders, origin: tollgate.url },
            body: JSON.stringify(USER),
          },
        },
        {
          name: "better-auth sign-in/email",
          server: cached,
          request: {
            url: `${cached.url}/api/auth/sign-in/email`,
            method: "POST",
            headers: { ...signInHeaders, origin: cached.url },
            body: JSON.stringify(PEER_USER),
          },
        },
      ],
      { ...budget, connections: 8 },
      rounds,
    );
    const rows = (
      [
        ["unprotected route: meta.info ÷ /api/auth/ok", tgOpen, baOk],
        ["session check: user.me ÷ get-session, cookie cache on", tgMe, baCached],
        ["session check: user.me ÷ get-session, cookie cache off", tgMe, baUncached],
        ["session check: auth.session ÷ get-session, cookie cache on", tgSession, baCached],
        ["session check: auth.session ÷ get-session, cookie cache off", tgSession, baUncached],
        ["sign-in: auth.login ÷ sign-in/email", tgLogin, baSignIn],
      ] as const
    ).map(([name, tollgateResult, peerResult]): PeerRow => {
      if (!tollgateResult || !peerResult) throw new Error(`peer case ${name} did not run`);
      return { name, tollgate: tollgateResult, peer: peerResult };
    });
    return {
      versions: options.versions,
      scrypt: scryptParams(),
      scryptRate,
      argon2Rate: options.argon2Rate,
      rows,
      idleRssMb,
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await database.drop();
  }
}
