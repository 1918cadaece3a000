import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  type AppRouter,
  createTollgate,
  createTollgateRouter,
  defaultMethods,
  type MfaRequired,
  mergeRouters,
  password,
  type SignedIn,
  type Tollgate,
  totp,
} from "../src/index.js";
import { type PinMethod, pin } from "./fixtures/pin-method/index.js";
import { pinTables } from "./fixtures/pin-method/tables.js";
import {
  backends,
  codeAt,
  createClock,
  createTestDatabase,
  data,
  errorOf,
  middleOfTotpStep,
  TestBrowser,
  type TestDatabase,
  testConfig,
} from "./support/index.js";

const PASSWORD = "correct horse battery";

type PinRouter = Tollgate<readonly [ReturnType<typeof password>, ReturnType<typeof totp>, PinMethod]>["router"];

/**
 * A sign-in method is one value: the toy PIN method in test/fixtures/pin-method
 * is written against the public API only, and registering it is all it takes
 * for its procedures, table, limits, second factor and hooks to work.
 */
describe.each(backends())("a sign-in method registered by a host app (%s)", (backend) => {
  let testDb: TestDatabase;
  let tollgate: Tollgate<readonly [ReturnType<typeof password>, ReturnType<typeof totp>, PinMethod]>;
  let server: Server;
  let url: string;
  const clock = createClock(middleOfTotpStep());

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    tollgate = await createTollgate({
      config: testConfig(),
      database: await testDb.open(),
      now: clock.now,
      methods: [password(), totp(), pin()],
    });
    server = createServer(tollgate.nodeHandler(tollgate.router));
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => server?.close(closed));
    await tollgate?.close();
    await tollgate?.services.database.close();
    await testDb?.drop();
  });

  async function userWithPin(username: string, pinCode: string): Promise<TestBrowser> {
    const passwordHash = await tollgate.services.auth.passwords.hash(PASSWORD);
    await tollgate.services.users.create({ username, passwordHash });
    const browser = new TestBrowser(url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    expect((await browser.mutation("auth.pin.set", { pin: pinCode })).status).toBe(200);
    return browser;
  }

  it("mounts its procedures at auth.pin.*, typed from the methods passed", () => {
    expect(Object.keys(tollgate.router._def.procedures)).toEqual(
      expect.arrayContaining(["auth.pin.set", "auth.pin.login", "auth.login", "auth.mfa.verify"]),
    );
    expectTypeOf<inferRouterInputs<PinRouter>["auth"]["pin"]["login"]>().toEqualTypeOf<{
      username: string;
      pin: string;
    }>();
    expectTypeOf<inferRouterOutputs<PinRouter>["auth"]["pin"]["login"]>().toEqualTypeOf<MfaRequired | SignedIn>();
    // The default router has no such procedure, in its type or at run time.
    expectTypeOf<inferRouterInputs<AppRouter>["auth"]>().not.toHaveProperty("pin");
    expect(Object.keys(createTollgateRouter(defaultMethods())._def.procedures)).not.toContain("auth.pin.login");
  });

  it("exposes the router's parts as tollgate.routers (auth, user, meta, admin), the same values, typed", () => {
    expect(Object.keys(tollgate.routers).sort()).toEqual(["admin", "auth", "meta", "user"]);
    for (const [name, part] of Object.entries(tollgate.routers)) {
      expect(part, name).toBe(tollgate.router[name as keyof typeof tollgate.routers]);
    }
    expect(Object.keys(tollgate.routers.admin)).toEqual(expect.arrayContaining(["access", "users"]));
    expectTypeOf(tollgate.routers.admin).toEqualTypeOf<PinRouter["admin"]>();
    expectTypeOf(tollgate.routers.auth).toEqualTypeOf<PinRouter["auth"]>();
  });

  it("runs its migration into a history table of its own", async () => {
    const db = tollgate.services.database.db;
    const history = await db
      .withTables<{ pin_migration: { name: string } }>()
      .selectFrom("pin_migration")
      .select("name")
      .execute();
    expect(history.map((row) => row.name)).toEqual(["0001_pin_codes"]);
  });

  it("signs in with a PIN: a session like any other, recorded as established by the method", async () => {
    await userWithPin("pin-user", "4821");
    const device = new TestBrowser(url);
    const res = await device.mutation("auth.pin.login", { username: "pin-user", pin: "4821" });
    expect(res.status).toBe(200);
    expect(data<SignedIn>(res).user.username).toBe("pin-user");
    expect((await device.query("user.me")).status).toBe(200);
    const sessions = data<{ current: boolean; authMethod: string | null }[]>(await device.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("pin");
  });

  it("a wrong PIN is INVALID_CREDENTIALS, and the method's checks share the sign-in limit", async () => {
    await userWithPin("pin-guessed", "1111");
    const attacker = new TestBrowser(url);
    const limit = tollgate.services.config.loginMaxFailures;
    for (let i = 0; i < limit; i++) {
      const res = await attacker.mutation("auth.pin.login", { username: "pin-guessed", pin: "9999" });
      expect(errorOf(res).data.authCode).toBe("INVALID_CREDENTIALS");
    }
    const refused = await attacker.mutation("auth.pin.login", { username: "pin-guessed", pin: "1111" });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).data.authCode).toBe("RATE_LIMITED");
  });

  it("is a credential procedure: refused inside a batch", async () => {
    const browser = new TestBrowser(url);
    const res = await browser.request(
      "POST",
      "/trpc/auth.pin.login,auth.pin.login?batch=1",
      JSON.stringify({ 0: { username: "a", pin: "1234" }, 1: { username: "b", pin: "1234" } }),
    );
    expect(res.status).toBe(400);
  });

  it("goes through completeSignIn: with TOTP on, a PIN only starts a pending sign-in that auth.mfa.verify completes", async () => {
    const owner = await userWithPin("pin-totp", "2468");
    const begin = await owner.mutation("auth.mfa.totp.begin", { password: PASSWORD });
    const { secret } = data<{ secret: string }>(begin);
    expect((await owner.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(60);

    const device = new TestBrowser(url);
    const pending = await device.mutation("auth.pin.login", { username: "pin-totp", pin: "2468" });
    expect(data(pending)).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect((await device.query("user.me")).status).toBe(401);
    expect((await device.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    expect((await device.query("user.me")).status).toBe(200);
  });

  it("hears of account events: a password change removes the PIN (onPasswordChanged)", async () => {
    const owner = await userWithPin("pin-changed", "3579");
    const changed = await owner.mutation("auth.changePassword", {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(changed.status).toBe(200);
    const rows = await pinTables(tollgate.services.database).selectFrom("pin_codes").selectAll().execute();
    const user = await tollgate.services.users.findByUsername("pin-changed");
    expect(rows.filter((row) => row.user_id === user?.id)).toEqual([]);
    const res = await new TestBrowser(url).mutation("auth.pin.login", { username: "pin-changed", pin: "3579" });
    expect(errorOf(res).data.authCode).toBe("INVALID_CREDENTIALS");
  });
});

describe("what createTollgate refuses", () => {
  it("a router that lacks the procedures of the methods it was given", async () => {
    const testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    await expect(
      createTollgate({
        config: testConfig(),
        database,
        methods: [password(), totp(), pin()],
        router: mergeRouters(createTollgateRouter(defaultMethods())),
      }),
    ).rejects.toThrow(/lacks auth\.pin\.set, auth\.pin\.login/);
    await database.close();
  });

  it("two methods with one id, or one procedure name twice", () => {
    expect(() => createTollgateRouter([password(), password()])).toThrow(/password is listed twice/);
    const clash = { id: "clash", auth: { ...password().auth } };
    expect(() => createTollgateRouter([password(), clash])).toThrow(/clash defines auth\.login, which is taken/);
  });
});
