import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import type { TollgateEvent } from "../src/events/types.js";
import { createAdminStore } from "../src/stores/admin-store.js";
import {
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  type Mailbox,
  middleOfTotpStep,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// admin.*, over real HTTP on SQLite and PostgreSQL: who may call it (an
// administrator with a recent proof), what each action does to the target
// account on every instance, and that each is recorded naming the admin.

const PASSWORD = "correct horse battery";
const MAX_AGE = 120;
/** The contract's second for a revocation to reach every instance. */
const WITHIN_MS = 1000;

interface UserSummary {
  id: string;
  username: string;
  email: string | null;
  isActive: boolean;
  isAdmin: boolean;
}

interface UserPage {
  users: UserSummary[];
  nextCursor: string | null;
}

interface ActivityPage {
  events: { event: string; detail: string | null }[];
}

/** The same signed-in browser, talking to another instance (the access token is valid on both). */
function sameCookiesOn(url: string, browser: TestBrowser): TestBrowser {
  const copy = new TestBrowser(url);
  for (const [name, cookie] of browser.cookies) copy.cookies.set(name, { ...cookie });
  return copy;
}

/** 200, or the refusal's authCode. */
async function sessionOutcome(browser: TestBrowser): Promise<number | string | undefined> {
  const res = await browser.query("auth.session");
  return res.status === 200 ? 200 : errorOf(res).data.authCode;
}

describe.each(backends())("admin.* on %s", (backend) => {
  let clock: TestClock;
  let smtp: Mailbox;
  let server: TestServer;
  let other: { url: string; app: App };
  const seen: TollgateEvent[] = [];

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, loginMaxFailures: 100, stepUpMaxAge: MAX_AGE },
      app: { mailRetry: { pollMs: 50 } },
    });
    other = await server.startAnother();
    server.app.services.events.on("admin.action", (event) => {
      seen.push(event);
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  async function signedIn(username: string): Promise<{ id: string; browser: TestBrowser }> {
    const id = await server.createUser(username, PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    return { id, browser };
  }

  /** An administrator, signed in just now (a recent proof). */
  async function admin(username: string): Promise<{ id: string; browser: TestBrowser }> {
    const id = await server.createUser(username, PASSWORD);
    await createAdminStore(server.database.db).setAdmin(id, true);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    return { id, browser };
  }

  async function isActive(id: string): Promise<boolean | undefined> {
    return (await server.app.services.users.findById(id))?.isActive;
  }

  it("a user who is not an administrator is refused every admin.* call with ADMIN_REQUIRED, and nothing changes", async () => {
    const { browser } = await signedIn("mallory");
    const { id: victim } = await signedIn("victim");
    for (const [kind, path, input] of [
      ["query", "admin.users.list", undefined],
      ["query", "admin.users.get", { id: victim }],
      ["mutation", "admin.users.setActive", { id: victim, active: false }],
      ["mutation", "admin.users.setAdmin", { id: victim, admin: true }],
      ["mutation", "admin.users.delete", { id: victim }],
    ] as const) {
      const res = kind === "query" ? await browser.query(path, input) : await browser.mutation(path, input);
      expect(res.status, path).toBe(403);
      expect(errorOf(res).data.authCode, path).toBe("ADMIN_REQUIRED");
    }
    expect(await isActive(victim)).toBe(true);
    expect(errorOf(await new TestBrowser(server.url).query("admin.users.list")).data.httpStatus).toBe(401);
  });

  it("admin.access tells any signed-in user whether they are an administrator, with no step-up; signed out is 401", async () => {
    const { id: rootId, browser: root } = await admin("root_access");
    const { browser: user } = await signedIn("plain_access");
    // Long past STEP_UP_MAX_AGE: the answer needs no fresh proof and never refuses with ADMIN_REQUIRED.
    clock.advance(MAX_AGE + 1);
    expect(data(await root.query("admin.access"))).toEqual({ admin: true });
    expect(data(await user.query("admin.access"))).toEqual({ admin: false });
    // Read from the database on each call: a role taken away shows at once.
    await createAdminStore(server.database.db).setAdmin(rootId, false);
    expect(data(await root.query("admin.access"))).toEqual({ admin: false });
    const signedOut = await new TestBrowser(server.url).query("admin.access");
    expect(signedOut.status).toBe(401);
  });

  it("an administrator whose proof is older than STEP_UP_MAX_AGE is STEP_UP_REQUIRED; a step-up with the password lets the call through", async () => {
    const { browser } = await admin("root1");
    const { id: target } = await signedIn("target1");
    clock.advance(MAX_AGE + 1);
    const refused = await browser.mutation("admin.users.setActive", { id: target, active: false });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).data.authCode).toBe("STEP_UP_REQUIRED");
    expect(await isActive(target)).toBe(true);
    expect((await browser.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(200);
    expect((await browser.mutation("admin.users.setActive", { id: target, active: false })).status).toBe(200);
    expect(await isActive(target)).toBe(false);
  });

  it("mutations need the CSRF header and the page's Origin, as every signed-in mutation", async () => {
    const { browser } = await admin("root2");
    const { id: target } = await signedIn("target2");
    const noCsrf = await browser.mutation("admin.users.setActive", { id: target, active: false }, { csrf: "" });
    expect(noCsrf.status).toBe(403);
    const elsewhere = await browser.mutation(
      "admin.users.setActive",
      { id: target, active: false },
      { origin: "https://evil.example" },
    );
    expect(elsewhere.status).toBe(403);
    expect(await isActive(target)).toBe(true);
  });

  it("lists users by username, searching name and address literally; get shows second factors and live sessions with devices", async () => {
    const { browser } = await admin("root3");
    const { id } = await signedIn("searchable_zed");
    await server.app.services.users.attachEmail(id, "zed%@example.org");
    const found = data<UserPage>(await browser.query("admin.users.list", { query: "ZED%" }));
    expect(found.users.map((u) => u.username)).toEqual(["searchable_zed"]);
    expect(found.users[0]).toMatchObject({ email: "zed%@example.org", isActive: true, isAdmin: false });
    // A wildcard is matched as itself, not as "anything".
    expect(data<UserPage>(await browser.query("admin.users.list", { query: "_zed" })).users).toHaveLength(1);
    expect(data<UserPage>(await browser.query("admin.users.list", { query: "%%%" })).users).toHaveLength(0);
    const all = data<UserPage>(await browser.query("admin.users.list"));
    const names = all.users.map((u) => u.username.toLowerCase());
    expect([...names].sort()).toEqual(names);
    const one = data<{ user: UserSummary; secondFactors: string[]; sessions: { device: string | null }[] }>(
      await browser.query("admin.users.get", { id }),
    );
    expect(one.user.username).toBe("searchable_zed");
    expect(one.secondFactors).toEqual([]);
    expect(one.sessions).toHaveLength(1);
    expect(JSON.stringify(one)).not.toMatch(/argon2|pbkdf2|\$scrypt|hash/i);
    const missing = await browser.query("admin.users.get", { id: "00000000-0000-4000-8000-000000000000" });
    expect(errorOf(missing).data.authCode).toBe("USER_NOT_FOUND");
  });

  it("disabling ends every session: the user's access token is refused on both instances within a second, and sign-in is refused until enabled again", async () => {
    const { browser: root } = await admin("root4");
    const { id, browser: user } = await signedIn("disabled_dan");
    const onOther = sameCookiesOn(other.url, user);
    expect(await sessionOutcome(onOther)).toBe(200);
    const disabled = data<{ sessionsEnded: number }>(
      await root.mutation("admin.users.setActive", { id, active: false }),
    );
    expect(disabled.sessionsEnded).toBe(1);
    await expect.poll(() => sessionOutcome(user), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
    await expect.poll(() => sessionOutcome(onOther), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
    expect((await new TestBrowser(server.url).login("disabled_dan", PASSWORD)).status).toBe(401);
    expect((await root.mutation("admin.users.setActive", { id, active: true })).status).toBe(200);
    expect((await new TestBrowser(server.url).login("disabled_dan", PASSWORD)).status).toBe(200);
  });

  it("an administrator cannot disable, delete or change the role of their own account (ADMIN_SELF_ACTION)", async () => {
    const { id, browser } = await admin("root5");
    for (const [path, input] of [
      ["admin.users.setActive", { id, active: false }],
      ["admin.users.delete", { id }],
      ["admin.users.setAdmin", { id, admin: false }],
    ] as const) {
      expect(errorOf(await browser.mutation(path, input)).data.authCode, path).toBe("ADMIN_SELF_ACTION");
    }
    expect(await isActive(id)).toBe(true);
    expect(await createAdminStore(server.database.db).isAdmin(id)).toBe(true);
  });

  it("two administrators disabling, demoting or deleting each other at once: exactly one succeeds, the other is refused", async () => {
    const actions = [
      ["admin.users.setActive", { active: false }],
      ["admin.users.setAdmin", { admin: false }],
      ["admin.users.delete", {}],
    ] as const;
    for (const [path, change] of actions) {
      // Several rounds: the two calls interleave differently each time.
      for (let round = 0; round < 4; round++) {
        const a = await admin(`rival_a_${path.split(".").at(-1)}_${round}`);
        const b = await admin(`rival_b_${path.split(".").at(-1)}_${round}`);
        const [byA, byB] = await Promise.all([
          a.browser.mutation(path, { id: b.id, ...change }),
          b.browser.mutation(path, { id: a.id, ...change }),
        ]);
        const outcomes = [byA, byB].map((res) => (res.status === 200 ? 200 : errorOf(res).data.authCode));
        expect(
          outcomes.filter((outcome) => outcome === 200),
          `${path} round ${round}`,
        ).toHaveLength(1);
        // The loser is refused as a former administrator, or (disabled, deleted) as a session already ended.
        const refused = outcomes.find((outcome) => outcome !== 200);
        expect(["ADMIN_REQUIRED", "SESSION_REVOKED"], `${path} round ${round}`).toContain(refused);
        // The refused one's target is untouched: one administrator is left, active.
        const left = await Promise.all([a.id, b.id].map((id) => createAdminStore(server.database.db).isAdmin(id)));
        expect(left.filter(Boolean), `${path} round ${round}`).toHaveLength(1);
      }
    }
  });

  it("a role taken away stops at once: the former administrator's next call is ADMIN_REQUIRED", async () => {
    const { browser: first } = await admin("root6");
    const { id: secondId, browser: second } = await admin("root7");
    expect((await second.query("admin.users.list")).status).toBe(200);
    expect((await first.mutation("admin.users.setAdmin", { id: secondId, admin: false })).status).toBe(200);
    expect(errorOf(await second.query("admin.users.list")).data.authCode).toBe("ADMIN_REQUIRED");
  });

  it("delete removes the user with their sessions: the access token is refused and the name is free again", async () => {
    const { browser: root } = await admin("root8");
    const { id, browser: user } = await signedIn("deleted_dora");
    expect((await root.mutation("admin.users.delete", { id })).status).toBe(200);
    await expect.poll(() => sessionOutcome(user), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
    expect(await server.app.services.users.findById(id)).toBeUndefined();
    const sessions = await server.database.db.selectFrom("sessions").select("id").where("user_id", "=", id).execute();
    expect(sessions).toEqual([]);
    expect(await server.createUser("deleted_dora", PASSWORD)).not.toBe(id);
  });

  it("resetting second factors turns TOTP off and ends the sessions: the user signs in with the password alone", async () => {
    const { browser: root } = await admin("root9");
    const { id, browser: user } = await signedIn("lost_phone");
    const { secret } = data<{ secret: string }>(await user.mutation("auth.mfa.totp.begin"));
    expect((await user.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    expect(data(await new TestBrowser(server.url).login("lost_phone", PASSWORD))).toMatchObject({ mfaRequired: true });
    const got = data<{ secondFactors: string[] }>(await root.query("admin.users.get", { id }));
    expect(got.secondFactors).toEqual(["totp", "recovery_code"]);
    const reset = data<{ reset: string[]; sessionsEnded: number }>(
      await root.mutation("admin.users.resetSecondFactors", { id }),
    );
    expect(reset).toEqual({ reset: ["totp"], sessionsEnded: 1 });
    const after = new TestBrowser(server.url);
    const login = data<Record<string, unknown>>(await after.login("lost_phone", PASSWORD));
    expect(login.mfaRequired).toBeUndefined();
  });

  it("resending verification mails the unconfirmed address a link, and says so; a confirmed address gets nothing", async () => {
    const { browser: root } = await admin("root10");
    const { id } = await signedIn("unconfirmed_una");
    await server.database.db
      .updateTable("users")
      .set({ email: "una@example.org", email_verified: false })
      .where("id", "=", id)
      .execute();
    expect(data(await root.mutation("admin.users.resendVerification", { id }))).toEqual({ sent: true });
    const mail = await smtp.nextMail("una@example.org");
    expect(mail.text).toContain("/verify-email?token=");
    const { id: confirmed } = await signedIn("confirmed_cole");
    await server.app.services.users.attachEmail(confirmed, "cole@example.org");
    expect(data(await root.mutation("admin.users.resendVerification", { id: confirmed }))).toEqual({ sent: false });
  });

  it("every action is in the target's activity naming the administrator, and emitted as admin.action", async () => {
    const { id: rootId, browser: root } = await admin("root11");
    const { id, browser: user } = await signedIn("watched_will");
    expect((await root.mutation("admin.users.endSessions", { id })).status).toBe(200);
    await expect.poll(() => sessionOutcome(user), { timeout: WITHIN_MS, interval: 50 }).toBe("SESSION_REVOKED");
    // Ending sessions is not disabling: the user signs in again.
    expect((await new TestBrowser(server.url).login("watched_will", PASSWORD)).status).toBe(200);
    const adminView = data<ActivityPage>(await root.query("admin.users.activity", { id }));
    expect(adminView.events.find((e) => e.event === "admin_action")).toMatchObject({
      detail: "sessions.ended by root11",
    });
    await server.app.services.events.settle();
    expect(seen.find((e) => e.data.userId === id)).toMatchObject({
      type: "admin.action",
      data: { adminId: rootId, userId: id, action: "sessions.ended" },
    });
  });
});
