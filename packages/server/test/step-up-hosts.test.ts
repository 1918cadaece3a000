import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConformanceHost,
  expressHost,
  fastifyHost,
  honoHost,
  nodeHost,
  type StartHost,
} from "./conformance/hosts.js";
import { createClock, data, errorOf, TestBrowser, type TestClock } from "./support/index.js";

// A host app's own procedures written with stepUpProcedure (the conformance
// router's vault.*) answer the same on every host Tollgate runs in: node:http,
// Express, Fastify and the Fetch API. Each step's status and body are kept
// and compared across hosts at the end.

const PASSWORD = "a long passphrase";
const answers = new Map<string, unknown[]>();

function record(host: string, result: { status: number; body: unknown }): void {
  const list = answers.get(host) ?? [];
  list.push({ status: result.status, body: result.body });
  answers.set(host, list);
}

describe.each([
  ["node:http", nodeHost],
  ["Fetch (Hono)", honoHost],
  ["Express", expressHost],
  ["Fastify", fastifyHost],
] as [string, StartHost][])("stepUpProcedure on %s", (name, start) => {
  let host: ConformanceHost;
  let clock: TestClock;
  beforeAll(async () => {
    clock = createClock();
    host = await start({ clock });
  });
  afterAll(() => host?.close());

  it("a recent sign-in opens it; past maxAge it is STEP_UP_REQUIRED until auth.stepUp.verify", async () => {
    await host.createUser("vera", PASSWORD);
    const browser = new TestBrowser(host.url);
    expect((await browser.login("vera", PASSWORD)).status).toBe(200);
    const fresh = await browser.mutation("vault.open");
    expect(fresh.status).toBe(200);
    expect(Object.keys(data<{ opened: string }>(fresh))).toEqual(["opened"]);

    clock.advance(61);
    const stale = await browser.mutation("vault.open");
    record(name, stale);
    expect(stale.status).toBe(403);
    expect(errorOf(stale).data).toMatchObject({
      code: "FORBIDDEN",
      authCode: "STEP_UP_REQUIRED",
      stepUp: {
        levels: ["password", "two-factor", "phishing-resistant"],
        maxAge: 60,
        currentLevel: "password",
        methods: ["password"],
      },
    });

    const wrong = await browser.mutation("auth.stepUp.verify", { password: "not it" });
    record(name, wrong);
    expect(errorOf(wrong).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    expect(errorOf(await browser.mutation("vault.open")).data.authCode).toBe("STEP_UP_REQUIRED");

    const verified = await browser.mutation("auth.stepUp.verify", { password: PASSWORD });
    expect(verified.status).toBe(200);
    expect((await browser.mutation("vault.open")).status).toBe(200);
  });

  it("a two-factor procedure refuses a password session, even after a password step-up (one factor twice)", async () => {
    await host.createUser("walt", PASSWORD);
    const browser = new TestBrowser(host.url);
    expect((await browser.login("walt", PASSWORD)).status).toBe(200);
    const first = await browser.query("vault.strong");
    record(name, first);
    expect(errorOf(first).data).toMatchObject({
      authCode: "STEP_UP_REQUIRED",
      stepUp: { levels: ["two-factor", "phishing-resistant"], currentLevel: "password", methods: [] },
    });
    expect((await browser.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(200);
    const again = await browser.query("vault.strong");
    record(name, again);
    expect(errorOf(again).data.authCode).toBe("STEP_UP_REQUIRED");
  });

  it("needs the CSRF header before any step-up check, like every signed-in mutation", async () => {
    await host.createUser("xena", PASSWORD);
    const browser = new TestBrowser(host.url);
    expect((await browser.login("xena", PASSWORD)).status).toBe(200);
    const forged = await browser.mutation("vault.open", undefined, { csrf: false });
    record(name, forged);
    expect(errorOf(forged).data.authCode).toBe("CSRF");
    const anonymous = await new TestBrowser(host.url).mutation("vault.open");
    record(name, anonymous);
    expect(anonymous.status).toBe(401);
  });
});

describe("stepUpProcedure across hosts", () => {
  it("answers every host the same, status and body", () => {
    const [first, ...others] = [...answers.values()];
    expect(answers.size).toBe(4);
    for (const other of others) expect(other).toEqual(first);
  });
});
