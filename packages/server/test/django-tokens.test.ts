import { createHash, randomUUID } from "node:crypto";
import type { CallOptions, CallResult } from "@tollgate/testing";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import { createDjangoStore, type DjangoStore } from "../src/methods/django-compat/store.js";
import { djangoTables } from "../src/methods/django-compat/tables.js";
import {
  backends,
  createClock,
  data,
  enrolTotp,
  JarClient,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

/**
 * The Django app's own SimpleJWT tokens during the cutover window: minted
 * here as SimpleJWT mints them (HS256 over token_type, exp, iat, jti,
 * user_id with the app's SECRET_KEY, through jose), for users imported with
 * their Django ids.
 */

const SECRET_KEY = "^k2p#t9!x)w0v@h5s3m$e8q&r1n*c7b6z4y(a=f-g+j_l0123456789";
const TOKEN_NOT_VALID = { detail: "Token is invalid or expired", code: "token_not_valid" };
const ACCESS_NOT_VALID = { detail: "Given token not valid for any token type", code: "token_not_valid" };
const DAY = 86_400;

interface MintOptions {
  readonly type?: "access" | "refresh";
  readonly userId?: number | string;
  readonly key?: string;
  readonly alg?: string;
  /** Seconds from the clock's now. */
  readonly lifetime?: number;
  readonly jti?: string;
  readonly claims?: Record<string, unknown>;
  /** Refresh tokens: recorded as SimpleJWT's outstanding tokens, as Django records each it issues (default true). */
  readonly issued?: boolean;
}

describe.each(backends())("SimpleJWT tokens on %s", (backend) => {
  const clock = createClock();
  const cutoverUntil = clock.now() + 2 * DAY * 1000;
  let server: TestServer;
  let store: DjangoStore;

  /** A token as SimpleJWT's `Token.__str__` signs it (PyJWT: header alg + typ JWT). */
  async function mint(options: MintOptions = {}): Promise<string> {
    const type = options.type ?? "access";
    const now = Math.floor(clock.now() / 1000);
    const jti = options.jti ?? randomUUID().replaceAll("-", "");
    const lifetime = options.lifetime ?? (type === "access" ? 300 : DAY);
    if (type === "refresh" && options.issued !== false && options.jti === undefined) {
      await store.saveToken({
        jti,
        djangoUserId: String(options.userId ?? 7),
        expiresAt: new Date((now + lifetime) * 1000),
        blacklistedAt: null,
      });
    }
    return new SignJWT({
      token_type: type,
      jti,
      user_id: options.userId ?? 7,
      ...options.claims,
    })
      .setProtectedHeader({ alg: options.alg ?? "HS256", typ: "JWT" })
      .setIssuedAt((options.claims?.iat as number | undefined) ?? now)
      .setExpirationTime(now + lifetime)
      .sign(new TextEncoder().encode(options.key ?? SECRET_KEY));
  }

  beforeAll(async () => {
    server = await startTestServer(backend, {
      clock,
      config: { djangoCompat: true, djangoSecretKey: SECRET_KEY, djangoCutoverUntil: cutoverUntil },
    });
    store = createDjangoStore(djangoTables(server.database), clock.now);
    // What `tollgate user:import-django` records (django-import-tokens.test.ts runs the import itself).
    const olivia = await server.createUser("olivia", "olivia password", { firstName: "Olivia", lastName: "Oak" });
    const peggy = await server.createUser("peggy", "peggy password", { firstName: "Peggy" });
    const retired = await server.createUser("retired", "retired password");
    await server.createUser("tina", "tina password");
    await store.mapUser("7", olivia);
    await store.mapUser("8", peggy);
    await store.mapUser("9", retired);
    await store.mapUser("10", await server.createUser("tess", "tess password"));
    await server.database.db.updateTable("users").set({ is_active: false }).where("id", "=", retired).execute();
  });
  afterAll(() => server?.close());

  const browser = () => new TestBrowser(server.url);
  const bearer = (token: string): CallOptions => ({ headers: { authorization: `Bearer ${token}` } });
  const refreshCookie = (token: string): CallOptions => ({ headers: { cookie: `refresh_token=${token}` } });
  const me = (options: CallOptions, b = browser()) => b.request("GET", "/accounts/user/", undefined, options);
  const exchange = (token: string, b = browser()) =>
    b.request("POST", "/accounts/auth/refresh_token/", undefined, refreshCookie(token));

  function expectRefused(result: CallResult, body: unknown): void {
    expect(result.status).toBe(401);
    expect(result.body).toEqual(body);
    expect(result.setCookies.filter((l) => !l.includes("Max-Age=0"))).toEqual([]);
  }

  it("accepts an access token of an imported user, as Bearer and as the access_token cookie", async () => {
    const token = await mint();
    const olivia = { id: 7, username: "olivia", first_name: "Olivia", last_name: "Oak" };
    const asBearer = await me(bearer(token));
    expect(asBearer.status).toBe(200);
    expect(asBearer.body).toEqual(olivia);
    expect((await me({ headers: { cookie: `access_token=${token}` } })).body).toEqual(olivia);
    // Newer SimpleJWT writes user_id as a string.
    expect((await me(bearer(await mint({ userId: "7" })))).body).toEqual(olivia);
    // Another imported user's token is that user, never the first one.
    expect((await me(bearer(await mint({ userId: 8 })))).body).toMatchObject({ id: 8, username: "peggy" });
  });

  it("exchanges a refresh token once for a Tollgate session, replacing the Django cookie", async () => {
    const token = await mint({ type: "refresh" });
    const b = browser();
    const first = await exchange(token, b);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({});
    const line = first.setCookies.find((l) => l.startsWith("refresh_token=")) as string;
    // Same name and Path as Django's cookie: the browser replaces it.
    expect(line).toMatch(/^refresh_token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/accounts\/auth\/; Max-Age=2592000/);
    expect(b.cookies.get("refresh_token")?.value).not.toBe(token);

    // A session like any other: the surface, the account page and Tollgate's rotation all know it.
    expect((await me({}, b)).body).toMatchObject({ id: 7, username: "olivia" });
    expect(data<{ username: string }>(await b.query("user.me")).username).toBe("olivia");
    const sessions = data<{ current: boolean; authMethod: string }[]>(await b.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("django-token");
    expect((await b.request("POST", "/accounts/auth/refresh_token/", undefined)).status).toBe(200);

    // Once. The same token again within REFRESH_REUSE_GRACE (a second tab refreshing at the same moment) is
    // answered as its twin was, with no cookie: the browser keeps the one session the first answer set.
    const twin = await exchange(token);
    expect(twin.status).toBe(200);
    expect(twin.setCookies).toEqual([]);
    expect((await me({}, b)).status).toBe(200);
  });

  it("ends the exchanged session when its Django token comes back after the grace (a copy was used)", async () => {
    const token = await mint({ type: "refresh" });
    const victim = browser();
    expect((await exchange(token, victim)).status).toBe(200);
    const olivia = (await server.app.services.users.findByUsername("olivia"))?.id as string;
    const exchanged = (await server.app.services.auth.sessions.list(olivia)).filter((s) => s.revokedAt === null).length;
    clock.advance(server.app.services.config.refreshReuseGrace + 1);

    const thief = await exchange(token);
    expectRefused(thief, TOKEN_NOT_VALID);
    const reuse = await server.database.db
      .selectFrom("audit_events")
      .select("detail")
      .where("user_id", "=", olivia)
      .where("event", "=", "refresh_reuse_detected")
      .execute();
    expect(reuse.length).toBe(1);
    // The session the token became is over on the server, whoever held it: no refresh, no access.
    expect((await me({}, victim)).status).toBe(401);
    expect((await victim.request("POST", "/accounts/auth/refresh_token/", undefined)).status).toBe(401);
    const live = (await server.app.services.auth.sessions.list(olivia)).filter((s) => s.revokedAt === null);
    expect(live.length).toBe(exchanged - 1);
  });

  it("gives one session when the same refresh token arrives ten times at once", async () => {
    const token = await mint({ type: "refresh", userId: 8 });
    const results = await Promise.all(Array.from({ length: 10 }, () => exchange(token)));
    // Every call is answered 200 (no tab is signed out); one sets the session's cookies, none clears any.
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const setting = results.filter((r) => r.setCookies.some((l) => l.startsWith("refresh_token=")));
    expect(setting.length).toBe(1);
    expect(results.flatMap((r) => r.setCookies).filter((l) => l.includes("Max-Age=0"))).toEqual([]);
    const peggy = await server.app.services.users.findByUsername("peggy");
    const live = await server.app.services.auth.sessions.list(peggy?.id as string);
    expect(live.filter((s) => s.authMethod === "django-token").length).toBe(1);
  });

  it("refuses blacklisted, expired, forged, mistyped and not-imported tokens", async () => {
    const blacklisted = randomUUID().replaceAll("-", "");
    await store.saveToken({ jti: blacklisted, djangoUserId: "7", expiresAt: null, blacklistedAt: new Date() });
    const expiring = await mint({ lifetime: 60 });
    const expiringRefresh = await mint({ type: "refresh", lifetime: 60 });
    clock.advance(61);

    const refusedAccess: [string, string][] = [
      ["blacklisted jti", await mint({ jti: blacklisted })],
      ["expired", expiring],
      ["another key (another Django deployment)", await mint({ key: `${SECRET_KEY}-other` })],
      ["HS512 while HS256 is configured", await mint({ alg: "HS512" })],
      ["a refresh token", await mint({ type: "refresh" })],
      ["no jti", await mint({ claims: { jti: undefined } })],
      ["a user id never imported", await mint({ userId: 99 })],
      ["an inactive user", await mint({ userId: 9 })],
      ["a Tollgate-only user's id", await mint({ userId: "tina" })],
      [
        "issued in the future (as only a holder of the key could)",
        await mint({ claims: { iat: Math.floor(clock.now() / 1000) + 3600 } }),
      ],
      ["a tampered payload", (await mint()).replace(/\.[^.]+\./, `.${btoa('{"token_type":"access","user_id":8}')}.`)],
    ];
    for (const [why, token] of refusedAccess) {
      const result = await me(bearer(token));
      expect(result.status, why).toBe(401);
      expect(result.body, why).toEqual(ACCESS_NOT_VALID);
    }

    const refusedRefresh: [string, string][] = [
      ["blacklisted jti", await mint({ type: "refresh", jti: blacklisted })],
      ["expired", expiringRefresh],
      ["another key", await mint({ type: "refresh", key: "another secret key entirely" })],
      ["an access token", await mint()],
      ["a user id never imported", await mint({ type: "refresh", userId: 99 })],
      ["an inactive user", await mint({ type: "refresh", userId: 9 })],
    ];
    for (const [why, token] of refusedRefresh) {
      const result = await exchange(token);
      expect(result.status, why).toBe(401);
      expect(result.body, why).toEqual(TOKEN_NOT_VALID);
    }
  });

  it("burns a Django refresh token presented at logout", async () => {
    const token = await mint({ type: "refresh" });
    const out = await browser().request("POST", "/accounts/auth/logout/", undefined, refreshCookie(token));
    expect(out.status).toBe(200);
    expectRefused(await exchange(token), TOKEN_NOT_VALID);
  });

  it("never exchanges a Django token for a user who has a second factor in Tollgate", async () => {
    const tess = new JarClient(server.url);
    expect((await tess.mutation("auth.login", { username: "tess", password: "tess password" })).status).toBe(200);
    await enrolTotp(tess, "tess password", clock.now());
    expectRefused(await exchange(await mint({ type: "refresh", userId: 10, issued: false })), TOKEN_NOT_VALID);
    // The surface's password sign-in hands over to the account page for the factor.
    const login = await browser().request(
      "POST",
      "/accounts/auth/login/",
      JSON.stringify({ username: "tess", password: "tess password" }),
    );
    expect(login.status).toBe(401);
    expect(login.body).toMatchObject({ code: "mfa_required" });
    expect(login.setCookies.some((l) => l.startsWith("access_token="))).toBe(false);
  });

  it("under EMAIL_VERIFICATION=required, exchanges no token of a user whose address is not confirmed", async () => {
    const required = await server.startAnother({ emailVerification: "required" });
    const xena = await server.createUser("xena", "xena password");
    await server.database.db
      .updateTable("users")
      .set({ email: "xena@example.org", email_verified: false })
      .where("id", "=", xena)
      .execute();
    await store.mapUser("16", xena);
    const token = await mint({ type: "refresh", userId: 16 });
    const refused = await new TestBrowser(required.url).request(
      "POST",
      "/accounts/auth/refresh_token/",
      undefined,
      refreshCookie(token),
    );
    expectRefused(refused, TOKEN_NOT_VALID);
    // Not used up: once the address is confirmed, the same token is exchanged.
    await server.database.db.updateTable("users").set({ email_verified: true }).where("id", "=", xena).execute();
    const exchanged = await new TestBrowser(required.url).request(
      "POST",
      "/accounts/auth/refresh_token/",
      undefined,
      refreshCookie(token),
    );
    expect(exchanged.status).toBe(200);
  });

  it("a logout holding a Django refresh token someone already exchanged ends the session it became", async () => {
    await store.mapUser("17", await server.createUser("yann", "yann password"));
    const token = await mint({ type: "refresh", userId: 17 });
    const thief = browser();
    expect((await exchange(token, thief)).status).toBe(200);
    // The owner's browser still holds the Django cookie, and signs out.
    expect((await browser().request("POST", "/accounts/auth/logout/", undefined, refreshCookie(token))).status).toBe(
      200,
    );
    expect((await me({}, thief)).status).toBe(401);
    expect((await thief.request("POST", "/accounts/auth/refresh_token/", undefined)).status).toBe(401);
    // Burnt: never exchanged again.
    expectRefused(await exchange(token), TOKEN_NOT_VALID);
  });

  it("an exchange that finds its token burnt by a logout meanwhile does not record its session", async () => {
    const jti = randomUUID().replaceAll("-", "");
    expect(await store.useOnce(jti, "someone", new Date(clock.now() + DAY * 1000))).toBe(true);
    expect(await store.burn(jti)).toBeNull();
    expect(await store.recordExchange(jti, "a-session-id")).toBe(false);
    expect(await store.exchangeOf(jti)).toMatchObject({ userId: null, sessionId: null });
  });

  it("a copy presented after the grace ends the session even when the account has a second factor since", async () => {
    await store.mapUser("18", await server.createUser("zoe", "zoe password"));
    const token = await mint({ type: "refresh", userId: 18 });
    const thief = browser();
    expect((await exchange(token, thief)).status).toBe(200);
    const owner = new JarClient(server.url);
    expect((await owner.mutation("auth.login", { username: "zoe", password: "zoe password" })).status).toBe(200);
    await enrolTotp(owner, "zoe password", clock.now());
    clock.advance(server.app.services.config.refreshReuseGrace + 1);
    expectRefused(await exchange(token), TOKEN_NOT_VALID);
    expect((await me({}, thief)).status).toBe(401);
  });

  it("honours SimpleJWT's CHECK_REVOKE_TOKEN: a token from before a password change in Django is refused", async () => {
    const hash = `pbkdf2_sha256$1000$s4lt$${"A".repeat(43)}=`;
    const ulla = await server.createUser("ulla", "ulla password");
    await server.database.db.updateTable("users").set({ password_hash: hash }).where("id", "=", ulla).execute();
    await store.mapUser("19", ulla);
    const md5 = (text: string) => createHash("md5").update(text).digest("hex").toUpperCase();
    expect((await me(bearer(await mint({ userId: 19, claims: { hash_password: md5(hash) } })))).status).toBe(200);
    const before = await mint({ userId: 19, claims: { hash_password: md5("pbkdf2_sha256$1000$old$hash") } });
    expectRefused(await me(bearer(before)), ACCESS_NOT_VALID);
  });

  it("keeps Tollgate's own procedures to Tollgate's tokens", async () => {
    const result = await browser().query("user.me", undefined, bearer(await mint()));
    expect(result.status).toBe(401);
  });

  it("a password change or signing out everywhere ends the user's Django tokens, access and refresh", async () => {
    const rita = await server.createUser("rita", "rita password");
    await store.mapUser("11", rita);
    const access = await mint({ userId: 11 });
    const refresh = await mint({ type: "refresh", userId: 11 });
    expect((await me(bearer(access))).status).toBe(200);
    const tollgate = browser();
    expect((await tollgate.login("rita", "rita password")).status).toBe(200);
    expect((await tollgate.mutation("auth.logoutAll")).status).toBe(200);
    expectRefused(await me(bearer(access)), ACCESS_NOT_VALID);
    expectRefused(await exchange(refresh), TOKEN_NOT_VALID);

    const sam = await server.createUser("sam", "sam password");
    await store.mapUser("12", sam);
    const samsRefresh = await mint({ type: "refresh", userId: 12 });
    const own = browser();
    expect((await own.login("sam", "sam password")).status).toBe(200);
    expect(
      (
        await own.mutation("auth.changePassword", {
          currentPassword: "sam password",
          newPassword: "sam's new passphrase",
        })
      ).status,
    ).toBe(200);
    expectRefused(await exchange(samsRefresh), TOKEN_NOT_VALID);
  });

  it("with SimpleJWT's outstanding tokens imported, refuses another user's jti and accepts one never listed", async () => {
    await store.mapUser("13", await server.createUser("uma", "uma password"));
    const issued = randomUUID().replaceAll("-", "");
    const othersJti = randomUUID().replaceAll("-", "");
    const expiresAt = new Date(clock.now() + DAY * 1000);
    await store.saveToken({ jti: issued, djangoUserId: "13", expiresAt, blacklistedAt: null });
    await store.saveToken({ jti: othersJti, djangoUserId: "8", expiresAt, blacklistedAt: null });
    // Another user's outstanding jti in a token naming this user: refused, both for access and refresh.
    expectRefused(await exchange(await mint({ type: "refresh", userId: 13, jti: othersJti })), TOKEN_NOT_VALID);
    expectRefused(await me(bearer(await mint({ userId: 13, jti: othersJti }))), ACCESS_NOT_VALID);
    expect((await exchange(await mint({ type: "refresh", userId: 13, jti: issued }))).status).toBe(200);
    // SimpleJWT before 5.5 never listed a refresh token it rotated (ROTATE_REFRESH_TOKENS): such a live
    // token is exchanged, or every user who refreshed in Django since their sign-in would be signed out.
    const rotated = await mint({ type: "refresh", userId: 13, issued: false });
    expect((await exchange(rotated)).status).toBe(200);
  });

  it("ends the sessions of both cookies at logout, when they name different sessions", async () => {
    // The surface's refresh cookie names one session; the access cookie at Path /, shared with the account
    // page, names another (signed in there since).
    const surface = browser();
    expect((await exchange(await mint({ type: "refresh", userId: 8 }), surface)).status).toBe(200);
    const surfaceRefresh = surface.cookies.get("refresh_token")?.value as string;
    const page = browser();
    expect((await page.login("peggy", "peggy password")).status).toBe(200);
    const pageAccess = page.cookies.get("access_token")?.value as string;

    const out = await browser().request("POST", "/accounts/auth/logout/", undefined, {
      headers: { cookie: `access_token=${pageAccess}; refresh_token=${surfaceRefresh}` },
    });
    expect(out.status).toBe(200);
    // Both ended on the server: neither cookie, copied elsewhere, still works.
    expect((await page.query("user.me")).status).toBe(401);
    const replay = await browser().request(
      "POST",
      "/accounts/auth/refresh_token/",
      undefined,
      refreshCookie(surfaceRefresh),
    );
    expect(replay.status).toBe(401);
  });

  it("an operator's sessions:revoke ends the user's Django tokens too", async () => {
    await store.mapUser("14", await server.createUser("vera", "vera password"));
    const access = await mint({ userId: 14 });
    const refresh = await mint({ type: "refresh", userId: 14 });
    expect((await me(bearer(access))).status).toBe(200);
    const printed: string[] = [];
    await runCommand(
      "sessions:revoke",
      { username: "vera" },
      {
        database: server.database,
        sessions: server.app.services.auth.sessions,
        io: { readPassword: async () => "", print: (line) => printed.push(line) },
      },
    );
    expect(printed).toEqual(["0 session(s) of vera ended"]);
    // In her activity, as an administrator's action is.
    const entries = await server.database.db
      .selectFrom("audit_events")
      .select(["event", "detail"])
      .where("username", "=", "vera")
      .where("event", "=", "admin_action")
      .execute();
    expect(entries).toEqual([
      { event: "admin_action", detail: "sessions.ended by the operator (tollgate sessions:revoke)" },
    ]);
    expectRefused(await me(bearer(access)), ACCESS_NOT_VALID);
    expectRefused(await exchange(refresh), TOKEN_NOT_VALID);
  });

  it("gives the token back when the session could not be stored: the user is not signed out", async () => {
    await store.mapUser("15", await server.createUser("wendy", "wendy password"));
    const token = await mint({ type: "refresh", userId: 15 });
    const { sql } = await import("kysely");
    const db = server.database.db;
    if (backend === "postgres") {
      await sql`CREATE FUNCTION refuse_sessions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'sessions refused'; END $$`.execute(
        db,
      );
      await sql`CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_sessions()`.execute(
        db,
      );
    } else {
      await sql`CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'sessions refused'); END`.execute(
        db,
      );
    }
    try {
      expect((await exchange(token)).status).toBe(500);
    } finally {
      await sql`DROP TRIGGER refuse_sessions${sql.raw(backend === "postgres" ? " ON sessions" : "")}`.execute(db);
      if (backend === "postgres") await sql`DROP FUNCTION refuse_sessions()`.execute(db);
    }
    expect((await exchange(token)).status).toBe(200);
  });
  it("accepts nothing after DJANGO_CUTOVER_UNTIL, while exchanged sessions live on", async () => {
    const b = browser();
    expect((await exchange(await mint({ type: "refresh" }), b)).status).toBe(200);
    const access = await mint({ lifetime: 60 * DAY });
    const refresh = await mint({ type: "refresh", lifetime: 60 * DAY });
    expect((await me(bearer(access))).status).toBe(200);

    clock.advance((cutoverUntil - clock.now()) / 1000);
    expect((await me(bearer(access))).body).toEqual(ACCESS_NOT_VALID);
    expectRefused(await exchange(refresh), TOKEN_NOT_VALID);
    // The session it was exchanged for is Tollgate's: it still refreshes.
    expect((await b.request("POST", "/accounts/auth/refresh_token/", undefined)).status).toBe(200);
    expect((await me({}, b)).status).toBe(200);
  });
});
