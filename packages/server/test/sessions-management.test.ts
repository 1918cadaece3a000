import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  data,
  errorOf,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

interface SessionView {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  userAgent: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  ip: string | null;
  current: boolean;
  revokedAt: number | null;
  revokedReason: string | null;
}

describe.each(backends())("session management on %s", (backend) => {
  const clock = createClock();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { clock });
    await server.createUser("grace", "grace password");
    await server.createUser("heidi", "heidi password");
  });
  afterAll(() => server?.close());

  async function signIn(username: string, password: string, userAgent: string): Promise<TestBrowser> {
    const browser = new TestBrowser(server.url);
    const res = await browser.mutation("auth.login", { username, password }, { headers: { "user-agent": userAgent } });
    expect(res.status).toBe(200);
    return browser;
  }

  it("lists the user's sessions with device facts and marks the current one", async () => {
    // A user of its own: the other tests' sessions of grace would be listed too.
    await server.createUser("karl", "karl password");
    const laptop = await signIn("karl", "karl password", "Laptop/1.0");
    await signIn("karl", "karl password", "Phone/2.0");
    await signIn("heidi", "heidi password", "Other/1.0");
    const list = data<SessionView[]>(await laptop.query("auth.sessions"));
    expect(list.map((s) => [s.userAgent, s.current]).sort()).toEqual([
      ["Laptop/1.0", true],
      ["Phone/2.0", false],
    ]);
    for (const s of list) {
      expect(s.ip).toBe("127.0.0.1");
      expect(s.expiresAt).toBe(s.createdAt + 2_592_000_000);
    }
  });

  it("names each session's device from its user agent (null when the agent says nothing known)", async () => {
    await server.createUser("dora", "dora password");
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    const laptop = await signIn("dora", "dora password", firefox);
    await signIn("dora", "dora password", "");
    const list = data<SessionView[]>(await laptop.query("auth.sessions"));
    const byCurrent = [...list].sort((a, b) => Number(b.current) - Number(a.current));
    expect(byCurrent.map((s) => [s.device, s.current])).toEqual([
      ["Firefox 140 on Linux", true],
      [null, false],
    ]);
    // Its parts, for pages that say "on" in another language.
    expect(byCurrent.map((s) => [s.browser, s.os])).toEqual([
      ["Firefox 140", "Linux"],
      [null, null],
    ]);
    // The raw agent stays beside it (the contract's field).
    expect(list.find((s) => s.current)?.userAgent).toBe(firefox);
  });

  it("last used: the calling session is in use now; another moves when its refresh token rotates", async () => {
    await server.createUser("lars", "lars password");
    const signedInAt = clock.now();
    const laptop = await signIn("lars", "lars password", "Laptop/1.0");
    const phone = await signIn("lars", "lars password", "Phone/1.0");
    const lastUsed = async (browser: TestBrowser) => {
      const list = data<SessionView[]>(await browser.query("auth.sessions"));
      return Object.fromEntries(list.map((s) => [s.userAgent, s.lastUsedAt]));
    };
    clock.advance(120);
    expect(await lastUsed(laptop)).toEqual({ "Laptop/1.0": signedInAt + 120_000, "Phone/1.0": signedInAt });
    clock.advance(901); // the phone's access token expired: it refreshes
    expect((await phone.mutation("auth.refresh")).status).toBe(200);
    const refreshedAt = clock.now();
    clock.advance(30);
    expect((await laptop.mutation("auth.refresh")).status).toBe(200);
    expect(await lastUsed(laptop)).toEqual({ "Laptop/1.0": clock.now(), "Phone/1.0": refreshedAt });
  });

  it("revokes one of the user's own sessions, but not another user's", async () => {
    const laptop = await signIn("grace", "grace password", "Laptop/1.0");
    const phone = await signIn("grace", "grace password", "Phone/3.0");
    const other = await signIn("heidi", "heidi password", "Other/1.0");
    const phoneId = data<SessionView[]>(await phone.query("auth.sessions")).find((s) => s.current)?.id;
    const otherId = data<SessionView[]>(await other.query("auth.sessions")).find((s) => s.current)?.id;

    const res = await laptop.mutation("auth.revokeSession", { id: phoneId });
    expect(res.status).toBe(200);
    expect((await phone.mutation("auth.refresh")).status).toBe(401);
    const listed = data<SessionView[]>(await laptop.query("auth.sessions")).find((s) => s.id === phoneId);
    expect(listed?.revokedReason).toBe("revoked_by_user");

    const foreign = await laptop.mutation("auth.revokeSession", { id: otherId });
    expect(foreign.status).toBe(404);
    expect((await other.mutation("auth.refresh")).status).toBe(200);
    expect((await laptop.mutation("auth.revokeSession", { id: phoneId }, { csrf: false })).status).toBe(403);
  });

  it("shows a session ended by token replay with its reason", async () => {
    const browser = await signIn("grace", "grace password", "Victim/1.0");
    const thief = new TestBrowser(server.url);
    for (const [k, v] of browser.cookies) thief.cookies.set(k, { ...v });
    await browser.mutation("auth.refresh");
    clock.advance(11);
    await thief.mutation("auth.refresh");
    const observer = await signIn("grace", "grace password", "Observer/1.0");
    const list = data<SessionView[]>(await observer.query("auth.sessions"));
    const victim = list.find((s) => s.userAgent === "Victim/1.0");
    expect(victim?.revokedReason).toBe("refresh_token_reused");
    expect(victim?.revokedAt).toBe(clock.now());
  });

  it("changes the password, ends every session (the caller's too) and signs the caller in afresh", async () => {
    await server.createUser("ivan", "old password");
    const keep = await signIn("ivan", "old password", "Keep/1.0");
    const other = await signIn("ivan", "old password", "Other/1.0");
    const wrong = await keep.mutation("auth.changePassword", { currentPassword: "nope", newPassword: "new password" });
    // Signed in, wrong current password: a form error, never a 401 a client would refresh on.
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    const oldKeepCookies = new Map(keep.cookies);
    const res = await keep.mutation("auth.changePassword", {
      currentPassword: "old password",
      newPassword: "new password",
    });
    expect(res.status).toBe(200);
    expect(data<{ endedSessions: number }>(res).endedSessions).toBe(2);
    expect(res.setCookies.map((line) => line.split("=")[0]).sort()).toEqual([
      "access_token",
      "csrf_token",
      "known_device",
      "refresh_token",
    ]);
    expect((await other.mutation("auth.refresh")).status).toBe(401);
    // The caller's previous session is over too: its refresh token no longer works.
    const stale = new TestBrowser(server.url);
    for (const [name, cookie] of oldKeepCookies) stale.cookies.set(name, cookie);
    expect((await stale.mutation("auth.refresh")).status).toBe(401);
    // The fresh session the response set works.
    expect((await keep.mutation("auth.refresh")).status).toBe(200);
    expect((await new TestBrowser(server.url).login("ivan", "old password")).status).toBe(401);
    expect((await new TestBrowser(server.url).login("ivan", "new password")).status).toBe(200);
    const bad = await keep.mutation("auth.changePassword", { currentPassword: "new password", newPassword: "" });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).data.code).toBe("BAD_REQUEST");
  });

  it("drops sessions ended more than 7 days ago from the list", async () => {
    await server.createUser("judy", "judy password");
    const ended = await signIn("judy", "judy password", "Ended/1.0");
    await ended.mutation("auth.logout");
    clock.advance(8 * 86_400);
    const now = await signIn("judy", "judy password", "Now/1.0");
    const list = data<SessionView[]>(await now.query("auth.sessions"));
    expect(list.map((s) => s.userAgent)).toEqual(["Now/1.0"]);
  });

  it("purges sessions that ended more than 7 days ago, and keeps live ones", async () => {
    await server.createUser("walt", "walt password");
    const ended = await signIn("walt", "walt password", "Ended/2.0");
    await ended.mutation("auth.logout");
    const live = await signIn("walt", "walt password", "Live/2.0");
    const count = async () =>
      (
        await server.database.db
          .selectFrom("sessions")
          .innerJoin("users", "users.id", "sessions.user_id")
          .select("sessions.id")
          .where("users.username", "=", "walt")
          .execute()
      ).length;
    expect(await count()).toBe(2);
    // Just ended: still listed, so still kept.
    await server.app.services.auth.sessions.purgeEnded();
    expect(await count()).toBe(2);
    clock.advance(3 * 86_400);
    expect((await live.mutation("auth.refresh")).status).toBe(200);
    clock.advance(5 * 86_400);
    expect((await live.mutation("auth.refresh")).status).toBe(200);
    await server.app.services.auth.sessions.purgeEnded();
    expect(await count()).toBe(1);
    expect((await live.mutation("auth.refresh")).status).toBe(200);
    // The purged session's cookies are refused as unknown.
    expect((await ended.mutation("auth.refresh")).status).toBe(401);
  });
});
