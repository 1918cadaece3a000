import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSessions, generateSigningKey } from "@tollgate/auth";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { runCommand } from "../src/cli/commands.js";
import { keyCommandContext } from "../src/cli/keys.js";
import { ConfigError, parseCliConfig, parseConfig } from "../src/config.js";
import { generatedSigningKeyStore } from "../src/signing-keys.js";
import { createKyselySessionStore } from "../src/stores/session-store.js";
import {
  accessTokenOf,
  backends,
  createClock,
  createTestDatabase,
  errorOf,
  jwtClaims,
  jwtHeader,
  signWithStoredKey,
  startTestServer,
  storedSigningKeys,
  TestBrowser,
  type TestClock,
  type TestServer,
  testConfig,
} from "./support/index.js";

function configLine(env: Record<string, string>): string {
  try {
    parseConfig({ DATA_DIR: "memory://", ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

async function privateJwk(alg: "EdDSA" | "ES256", extra: Record<string, unknown> = {}) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), ...extra };
}

async function jwks(url: string) {
  const res = await fetch(`${url}/.well-known/jwks.json`);
  return {
    status: res.status,
    cacheControl: res.headers.get("cache-control"),
    body: (await res.json()) as { keys: Record<string, unknown>[] },
  };
}

describe("signing key configuration", () => {
  it.each([
    [{ ACCESS_TOKEN_ALG: "RS256" }, "ACCESS_TOKEN_ALG must be HS256, EdDSA or ES256"],
    [
      { ACCESS_TOKEN_PRIVATE_JWKS: '{"keys":[]}' },
      "ACCESS_TOKEN_PRIVATE_JWKS is only used with ACCESS_TOKEN_ALG=EdDSA or ES256",
    ],
    [
      { ACCESS_TOKEN_ALG: "EdDSA", ACCESS_TOKEN_PRIVATE_JWKS: "not json" },
      "ACCESS_TOKEN_PRIVATE_JWKS must be a JSON Web Key Set",
    ],
    [
      { ACCESS_TOKEN_ALG: "EdDSA", ACCESS_TOKEN_PRIVATE_JWKS: '{"keys":[]}' },
      "ACCESS_TOKEN_PRIVATE_JWKS must hold at least one key",
    ],
    [{ JWKS_MAX_AGE: "0" }, "JWKS_MAX_AGE must be greater than 0"],
  ])("refuses %j with one line: %s", (env, line) => {
    const message = configLine(env);
    expect(message).toContain(line);
    expect(message).not.toContain("\n");
  });

  it("refuses public, mismatched and wrong-curve keys, naming the key", async () => {
    const ed = await privateJwk("EdDSA");
    const other = await privateJwk("EdDSA");
    const env = (keys: unknown[], alg = "EdDSA") => ({
      ACCESS_TOKEN_ALG: alg,
      ACCESS_TOKEN_PRIVATE_JWKS: JSON.stringify({ keys }),
    });
    const { d: _, ...publicOnly } = ed;
    expect(configLine(env([publicOnly]))).toMatch(/key 0 has no private part \(d\)/);
    expect(configLine(env([ed, { ...other, x: ed.x }]))).toMatch(/key 1: its public members .* do not belong/);
    expect(configLine(env([ed], "ES256"))).toMatch(/key 0 is not a P-256 private key/);
    expect(configLine(env([await privateJwk("ES256")]))).toMatch(/key 0 is not an Ed25519 private key/);
    expect(
      configLine(
        env([
          { ...ed, kid: "a" },
          { ...other, kid: "a" },
        ]),
      ),
    ).toMatch(/two keys with kid "a"/);
    expect(configLine(env([{ ...ed, alg: "ES256" }]))).toMatch(/key 0 is for ES256/);
  });

  it("reads ACCESS_TOKEN_ALG, the key set and JWKS_MAX_AGE; the CLI reads them too", async () => {
    const key = await privateJwk("ES256", { kid: "k1" });
    const env = {
      DATA_DIR: "memory://",
      ACCESS_TOKEN_ALG: "ES256",
      ACCESS_TOKEN_PRIVATE_JWKS: JSON.stringify({ keys: [key] }),
      JWKS_MAX_AGE: "60",
    };
    expect(parseConfig(env)).toMatchObject({ accessTokenAlg: "ES256", accessTokenPrivateJwks: [key], jwksMaxAge: 60 });
    expect(parseConfig({})).toMatchObject({
      accessTokenAlg: "HS256",
      accessTokenPrivateJwks: undefined,
      jwksMaxAge: 300,
    });
    expect(parseCliConfig(env)).toMatchObject({
      accessTokenAlg: "ES256",
      accessTokenKeysConfigured: true,
      jwksMaxAge: 60,
    });
  });
});

describe.each(backends())("JWKS endpoint on %s", (backend) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });
  async function start(config: Parameters<typeof testConfig>[0]) {
    const server = await startTestServer(backend, { config });
    servers.push(server);
    await server.createUser("ursula", "ursula password");
    return server;
  }

  it("answers 404 with HS256: there is no public key", async () => {
    const server = await start({});
    expect((await fetch(`${server.url}/.well-known/jwks.json`)).status).toBe(404);
  });

  it.each(["EdDSA", "ES256"] as const)(
    "serves the %s public key that verifies sign-in tokens, cacheable, never a private member",
    async (alg) => {
      const server = await start({ accessTokenAlg: alg, jwksMaxAge: 120 });
      const browser = new TestBrowser(server.url);
      expect((await browser.login("ursula", "ursula password")).status).toBe(200);
      const header = jwtHeader(accessTokenOf(browser));
      const { status, cacheControl, body } = await jwks(server.url);
      expect(status).toBe(200);
      expect(cacheControl).toBe("public, max-age=120");
      expect(body.keys).toHaveLength(1);
      expect(body.keys[0]).toMatchObject({ kid: header.kid, alg, use: "sig" });
      for (const key of body.keys)
        for (const member of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(key).not.toHaveProperty(member);
      expect(header).toEqual({ alg, typ: "at+jwt", kid: header.kid });
      expect((await browser.query("user.me")).status).toBe(200);
    },
  );

  it("signs with the first key of ACCESS_TOKEN_PRIVATE_JWKS and publishes the others", async () => {
    const first = await privateJwk("EdDSA", { kid: "first" });
    const second = await privateJwk("EdDSA");
    const server = await start({ accessTokenAlg: "EdDSA", accessTokenPrivateJwks: [first, second] });
    const browser = new TestBrowser(server.url);
    await browser.login("ursula", "ursula password");
    expect(jwtHeader(accessTokenOf(browser)).kid).toBe("first");
    const kids = (await jwks(server.url)).body.keys.map((k) => k.kid);
    expect(kids[0]).toBe("first");
    // A key without a kid is named by its RFC 7638 thumbprint.
    expect(kids[1]).toMatch(/^[\w-]{43}$/);
  });
});

describe.each([...backends(), "file"] as const)("the %s signing key store", (kind) => {
  it("takes exactly one of several keys racing for one generation, and sees it on the next read", async () => {
    const testDb = await createTestDatabase(kind === "file" ? "sqlite" : kind);
    const database = await testDb.open();
    try {
      const dataDir = kind === "file" ? mkdtempSync(join(tmpdir(), "tollgate-keys-")) : "memory://";
      const store = generatedSigningKeyStore({ dataDir, authSecret: "s".repeat(32), authSecretPrevious: [] }, database);
      const keys = await Promise.all(
        [1, 2, 3, 4].map(() => generateSigningKey("EdDSA", { generation: 1, createdAt: 0, activatesAt: 0 })),
      );
      const added = await Promise.all(keys.map((k) => store.add(k)));
      expect(added.filter(Boolean)).toHaveLength(1);
      const winner = keys[added.indexOf(true)];
      expect(await store.list()).toEqual([winner]);
      await store.remove([winner?.kid ?? ""]);
      expect(await store.list()).toEqual([]);
    } finally {
      await database.close();
      await testDb.drop();
    }
  });
});

describe("keys:rotate refusals", () => {
  it("has nothing to rotate when the keys come from ACCESS_TOKEN_PRIVATE_JWKS, or none exist yet", async () => {
    const testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    const sessions = createSessions({
      store: createKyselySessionStore(database.db),
      refreshTokenTtl: 1,
      idleTimeout: 1,
      reuseGrace: 1,
    });
    const io = { readPassword: async () => "", print: () => {} };
    try {
      const configured = parseCliConfig({
        DATA_DIR: "memory://",
        ACCESS_TOKEN_ALG: "EdDSA",
        ACCESS_TOKEN_PRIVATE_JWKS: JSON.stringify({ keys: [await privateJwk("EdDSA")] }),
      });
      const keys = keyCommandContext(configured, database);
      await expect(runCommand("keys:rotate", {}, { database, sessions, keys, io })).rejects.toThrow(
        /come from ACCESS_TOKEN_PRIVATE_JWKS: rotate them there/,
      );
      const empty = keyCommandContext(
        parseCliConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-keys-")) }),
        database,
      );
      await expect(runCommand("keys:rotate", {}, { database, sessions, keys: empty, io })).rejects.toThrow(
        /No signing key yet/,
      );
    } finally {
      await database.close();
    }
  });
});

describe("generated keys in DATA_DIR", () => {
  it("are written once with mode 0600 at the first start and kept across restarts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-keys-"));
    const config = { ...testConfig({ dataDir, accessTokenAlg: "EdDSA" }) };
    const first = await createApp({ config });
    const kid = first.services.auth.signingKeys?.signingKey().kid;
    await first.close();
    const file = join(dataDir, "signing-keys.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).keys).toHaveLength(1);
    const second = await createApp({ config });
    expect(second.services.auth.signingKeys?.signingKey().kid).toBe(kid);
    await second.close();
    // Another algorithm over these keys stops the start with one line.
    await expect(createApp({ config: { ...config, accessTokenAlg: "ES256" } })).rejects.toThrow(
      /^ACCESS_TOKEN_ALG is ES256, but .*signing-keys\.json holds EdDSA keys/,
    );
  });
});

describe.each(backends())("key rotation on a fake clock, on %s", (backend) => {
  const TTL = 900;
  let server: TestServer;
  let clock: TestClock;
  let browser: TestBrowser;
  const printed: string[] = [];

  beforeAll(async () => {
    clock = createClock();
    server = await startTestServer(backend, { clock, config: { accessTokenAlg: "EdDSA", accessTokenTtl: TTL } });
    await server.createUser("rita", "rita password");
    browser = new TestBrowser(server.url);
    await browser.login("rita", "rita password");
  });
  afterAll(() => server?.close());

  /** `pnpm cli keys:rotate` against this server's store, on the fake clock. */
  async function cli(command: string, flags: Record<string, string> = {}) {
    const config = server.app.services.config;
    const keys = {
      ...keyCommandContext(
        {
          ...parseCliConfig({}),
          authSecret: config.authSecret,
          dataDir: config.dataDir,
          accessTokenAlg: config.accessTokenAlg,
        },
        server.database,
      ),
      now: clock.now,
    };
    const sessions = createSessions({
      store: createKyselySessionStore(server.database.db),
      refreshTokenTtl: 1,
      idleTimeout: 1,
      reuseGrace: 1,
    });
    await runCommand(command, flags, {
      database: server.database,
      sessions,
      keys,
      io: { readPassword: async () => "", print: (line) => printed.push(line) },
    });
  }

  async function refresh(): Promise<string> {
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    return accessTokenOf(browser);
  }

  const published = async () => (await jwks(server.url)).body.keys.map((k) => k.kid);
  const meWith = async (token: string) => {
    const res = await new TestBrowser(server.url).query("user.me", undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.status === 200 ? 200 : `${res.status} ${errorOf(res).data.authCode}`;
  };

  it("publishes the next key first, signs with it after the delay, and drops the old one after ACCESS_TOKEN_TTL", async () => {
    const oldToken = accessTokenOf(browser);
    const oldKid = jwtHeader(oldToken).kid;

    await expect(cli("keys:rotate", { delay: "100" })).rejects.toThrow(/--delay must be .* at least 330 /);
    await cli("keys:rotate");
    expect(printed.join("\n")).toMatch(/Published EdDSA key [\w-]+; it signs from .* \(in 600 s\)/);
    await server.app.services.auth.signingKeys?.reload(); // what the server does every 30 s
    const [, newKid] = await published();
    expect(await published()).toEqual([oldKid, newKid]);
    // Published, not yet signing; a second rotation waits for it.
    expect(jwtHeader(await refresh()).kid).toBe(oldKid);
    await expect(cli("keys:rotate")).rejects.toThrow(/already published/);

    clock.advance(600);
    const newToken = await refresh();
    expect(jwtHeader(newToken).kid).toBe(newKid);
    expect(await published()).toEqual([newKid, oldKid]);
    // Nobody is signed out: tokens of the retired key still work until they expire.
    expect(await meWith(oldToken)).toBe(200);
    expect(await meWith(newToken)).toBe(200);

    printed.length = 0;
    await cli("keys:status");
    expect(printed[0]).toMatch(new RegExp(`^current EdDSA ${newKid}`));
    expect(printed[1]).toMatch(new RegExp(`^retired EdDSA ${oldKid}  accepted until`));

    // The retired key's grace: ACCESS_TOKEN_TTL (+5 s clock skew) after it retired.
    clock.advance(TTL + 5);
    expect(await published()).toEqual([newKid]);
    const [oldKey] = (await storedSigningKeys(server)).filter((k) => k.kid === oldKid);
    if (!oldKey) throw new Error("old key gone too early");
    const { sub, sid } = jwtClaims(newToken) as { sub: string; sid: string };
    const t = Math.floor(clock.now() / 1000);
    const lateButUnexpired = await signWithStoredKey(oldKey, { sub, sid, iat: t - 10, exp: t + 600 });
    expect(await meWith(lateButUnexpired)).toBe("401 TOKEN_INVALID");
    expect(await meWith(await refresh())).toBe(200);
  });
});
