import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, data, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

interface Profile {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  emailVerified: boolean;
  pendingEmail: string | null;
}

describe.each(backends())("profile and password policy on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  async function signedIn(username: string, password = `${username}'s passphrase`): Promise<TestBrowser> {
    await server.createUser(username, password);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, password)).status).toBe(200);
    return browser;
  }

  // The address is no longer set at once: it pends until its link is followed (see address-enumeration.test.ts).
  it("user.updateProfile changes names at once and the address once confirmed; user.me shows the pending one", async () => {
    const browser = await signedIn("olga");
    const res = await browser.mutation("user.updateProfile", {
      firstName: "Olga",
      email: "Olga@Example.org",
      currentPassword: "olga's passphrase",
    });
    expect(res.status).toBe(200);
    expect(data<Profile>(res)).toMatchObject({
      firstName: "Olga",
      lastName: "",
      email: null,
      pendingEmail: "Olga@Example.org",
    });
    const me = data<Profile>(await browser.query("user.me"));
    expect(me).toMatchObject({ username: "olga", firstName: "Olga", email: null, emailVerified: false });
    const cleared = await browser.mutation("user.updateProfile", { email: null, lastName: "Petrova" });
    expect(data<Profile>(cleared)).toMatchObject({ email: null, lastName: "Petrova", firstName: "Olga" });
  });

  it("a new address pends and the old stays confirmed; the same one in another case is stored as given and stays verified", async () => {
    const browser = await signedIn("pavel");
    const user = await server.app.services.users.findByUsername("pavel");
    await server.app.services.users.updateProfile(user?.id ?? "", { email: "pavel@example.org" });
    expect(await server.app.services.users.markEmailVerified(user?.id ?? "", "PAVEL@example.org")).toBe(true);
    expect(data<Profile>(await browser.query("user.me")).emailVerified).toBe(true);
    const recased = data<Profile>(await browser.mutation("user.updateProfile", { email: "Pavel@Example.org" }));
    expect(recased).toMatchObject({ email: "Pavel@Example.org", emailVerified: true });
    const moved = data<Profile>(
      await browser.mutation("user.updateProfile", {
        email: "pavel@example.net",
        currentPassword: "pavel's passphrase",
      }),
    );
    expect(moved).toMatchObject({ email: "Pavel@Example.org", emailVerified: true, pendingEmail: "pavel@example.net" });
  });

  // ACCOUNT_EXISTS for a taken address told anyone who has it: now the answer is that of a free address.
  it("a taken address (ignoring case) is answered as a free one, and the other account keeps it", async () => {
    const first = await signedIn("quinn");
    const second = await signedIn("rosa");
    const firstId = (await server.app.services.users.findByUsername("quinn"))?.id ?? "";
    await server.app.services.users.attachEmail(firstId, "shared@example.org");
    const taken = await second.mutation("user.updateProfile", {
      email: "SHARED@example.org",
      firstName: "Rosa",
      currentPassword: "rosa's passphrase",
    });
    expect(taken.status).toBe(200);
    expect(data<Profile>(await second.query("user.me"))).toMatchObject({ email: null, firstName: "Rosa" });
    expect(data<Profile>(await first.query("user.me"))).toMatchObject({ email: "shared@example.org" });
  });

  it("refuses bad input, and needs the CSRF header", async () => {
    const browser = await signedIn("sami");
    expect((await browser.mutation("user.updateProfile", { email: "not an address" })).status).toBe(400);
    expect((await browser.mutation("user.updateProfile", { firstName: "x".repeat(151) })).status).toBe(400);
    expect((await browser.mutation("user.updateProfile", { username: "other" })).status).toBe(400);
    const noCsrf = await browser.mutation("user.updateProfile", { firstName: "S" }, { csrf: false });
    expect(noCsrf.status).toBe(403);
  });

  it("auth.changePassword applies the policy, naming the rule; old weak passwords still sign in", async () => {
    await server.createUser("tomas", "pw");
    const browser = new TestBrowser(server.url);
    expect((await browser.login("tomas", "pw")).status).toBe(200);
    const cases: [string, RegExp][] = [
      ["short", /at least 8 characters/],
      ["password123", /most common passwords/],
      ["x".repeat(1025), /./],
    ];
    for (const [newPassword, message] of cases) {
      const res = await browser.mutation("auth.changePassword", { currentPassword: "pw", newPassword });
      expect(res.status).toBe(400);
      // Over 1,024: the input check (BAD_REQUEST) before any policy.
      if (newPassword.length <= 1024) expect(errorOf(res).data.authCode).toBe("PASSWORD_POLICY");
      expect(errorOf(res).message).toMatch(message);
    }
    await server.createUser("ulrike-user", "pw");
    const other = new TestBrowser(server.url);
    expect((await other.login("ulrike-user", "pw")).status).toBe(200);
    const same = await other.mutation("auth.changePassword", { currentPassword: "pw", newPassword: "ULRIKE-USER" });
    expect(errorOf(same).data.authCode).toBe("PASSWORD_POLICY");
    expect(errorOf(same).message).toBe("The password must not be the username");
    const ok = await other.mutation("auth.changePassword", {
      currentPassword: "pw",
      newPassword: "ulrike's passphrase",
    });
    expect(ok.status).toBe(200);
  });
});
