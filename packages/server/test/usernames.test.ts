import { Writable } from "node:stream";
import { usernameSkeleton } from "@tollgate/auth";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceFirstRunSetup } from "../src/first-run.js";
import { ensureInitialUser } from "../src/initial-user.js";
import { UsernameTakenError } from "../src/stores/user-store.js";
import {
  backends,
  data,
  errorOf,
  type Mailbox,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

const CYRILLIC_ZOE = "z\u043e\u0435"; // z, Cyrillic о, Cyrillic е

describe.each(backends())("usernames that cannot impersonate each other on %s", (backend) => {
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      // Each sign-up from a network of its own (X-Forwarded-For): sign-ups are limited per network.
      config: { smtpUrl: smtp.url, signup: "open", loginMaxFailures: 50, trustProxy: true },
      app: { mailRetry: { pollMs: 100 } },
    });
    await server.createUser("zoe", "zoe's passphrase");
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  let mails = 0;
  const signUp = (username: string) => {
    const n = ++mails;
    return new TestBrowser(server.url).mutation(
      "auth.signUp",
      { username, email: `someone${n}@example.org`, password: "a fine passphrase" },
      { headers: { "x-forwarded-for": `198.51.100.${n}` } },
    );
  };

  it("sign-up refuses look-alikes of an existing username with ACCOUNT_EXISTS: spaces, fullwidth, Cyrillic, case", async () => {
    for (const lookAlike of ["zoe ", " zoe", "ｚｏｅ", CYRILLIC_ZOE, "ZOE", "z0e", "Z\u039fE"]) {
      const res = await signUp(lookAlike);
      expect(res.status, JSON.stringify(lookAlike)).toBe(400);
      expect(errorOf(res).data.authCode, JSON.stringify(lookAlike)).toBe("ACCOUNT_EXISTS");
    }
    const { count } = await server.database.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number | string>().as("count"))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(1);
  });

  it("sign-up refuses zero-width, control and separator characters with USERNAME_INVALID, and creates nothing", async () => {
    for (const invisible of ["zoe\u200b", "zo\u200de", "\ufeffzoe", "zo\u0007e", "zoe\u202e", "zo\u2028e", "zoe  s"]) {
      const res = await signUp(invisible);
      expect(res.status, JSON.stringify(invisible)).toBe(400);
      expect(errorOf(res).data.authCode, JSON.stringify(invisible)).toBe("USERNAME_INVALID");
    }
    expect(await server.app.services.users.findByUsername("zoe\u200b")).toBeUndefined();
  });

  it("sign-up stores the normalized form: ' ｍａｘ ' becomes max, who then signs in as typed either way", async () => {
    const res = await signUp(" ｍａｘ ");
    expect(res.status).toBe(200);
    expect(data<{ user: { username: string } }>(res).user.username).toBe("max");
    expect((await new TestBrowser(server.url).login("max", "a fine passphrase")).status).toBe(200);
    expect((await new TestBrowser(server.url).login("ｍａｘ", "a fine passphrase")).status).toBe(200);
  });

  it("sign-in takes the NFKC, trimmed form of what was typed: 'zoe ' and 'ｚｏｅ' sign in as zoe", async () => {
    for (const typed of ["zoe ", " zoe", "ｚｏｅ", "ZOE"]) {
      const res = await new TestBrowser(server.url).login(typed, "zoe's passphrase");
      expect(res.status, JSON.stringify(typed)).toBe(200);
      expect(data<{ user: { username: string } }>(res).user.username).toBe("zoe");
    }
  });

  it("sign-in never goes by skeleton: a confusable or zero-width spelling does not reach zoe's account", async () => {
    for (const typed of [CYRILLIC_ZOE, "z0e", "zoe\u200b"]) {
      const res = await new TestBrowser(server.url).login(typed, "zoe's passphrase");
      expect(res.status, JSON.stringify(typed)).toBe(401);
      expect(errorOf(res).data.authCode).toBe("INVALID_CREDENTIALS");
    }
  });

  it("parallel sign-ups of eight look-alike spellings (zoe and zоe alike): exactly one account is created", async () => {
    // One skeleton for all: Cyrillic і and а, Latin alpha, a digit one, case, spaces, fullwidth.
    const spellings = ["mila", "m\u0456la", "Mila", "m\u0456l\u0430", "mila ", "ｍｉｌａ", "mi1a", "mil\u0251"];
    const answers = await Promise.all(spellings.map((username) => signUp(username)));
    expect(answers.filter((res) => res.status === 200)).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 200)) {
      expect(errorOf(res).data.authCode).toBe("ACCOUNT_EXISTS");
    }
    const rows = await server.database.db
      .selectFrom("users")
      .select(["username", "username_skeleton"])
      .where("username_skeleton", "=", usernameSkeleton("mila"))
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("INITIAL_USERNAME that looks like an existing user's name creates nobody and says why in the log", async () => {
    const lines: string[] = [];
    const logger = pino(
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const { services } = server.app;
    const config = { ...services.config, initialUsername: CYRILLIC_ZOE, initialPassword: "initial password" };
    await ensureInitialUser({ ...services, config, logger });
    expect(await services.users.findByUsername(CYRILLIC_ZOE)).toBeUndefined();
    expect(lines.join("")).toContain("initial user not created: the name looks like an existing user's");
  });

  it("the users store normalizes and refuses look-alikes itself (CLI, import and tests go through it)", async () => {
    const { users } = server.app.services;
    const amy = await users.create({ username: "  amy\u3000", passwordHash: "x" });
    expect(amy.username).toBe("amy");
    await expect(users.create({ username: "\u0430my", passwordHash: "x" })).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(users.create({ username: "amy\u200b", passwordHash: "x" })).rejects.toMatchObject({
      code: "USERNAME_INVALID",
    });
    const stored = await sql<{ username_skeleton: string }>`
      SELECT username_skeleton FROM users WHERE username = 'amy'`.execute(server.database.db);
    expect(stored.rows[0]?.username_skeleton).toBe(usernameSkeleton("amy"));
  });
});

describe.each(backends())("the sign-in limit counts every spelling of a username as one account on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { loginMaxFailures: 3 } });
    await server.createUser("zoe", "zoe's passphrase");
  });
  afterAll(() => server?.close());

  it("wrong passwords under 'zoe', 'zoe ', 'ｚｏｅ' share one count: the fourth is RATE_LIMITED", async () => {
    for (const typed of ["zoe", "zoe ", "ｚｏｅ"]) {
      const res = await new TestBrowser(server.url).login(typed, "wrong passphrase");
      expect(errorOf(res).data.authCode).toBe("INVALID_CREDENTIALS");
    }
    const fourth = await new TestBrowser(server.url).login(" zoe", "wrong passphrase");
    expect(errorOf(fourth).data.authCode).toBe("RATE_LIMITED");
  });
});

describe.each(backends())("first-run setup applies the username rules on %s", (backend) => {
  let server: TestServer;
  const logger = pino(new Writable({ write: (_chunk, _encoding, done) => done() }));
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  it("refuses a zero-width username without using up the link, then stores the normalized one", async () => {
    const link = await announceFirstRunSetup({ ...server.app.services, logger }, server.url);
    const token = new URL(link ?? "").searchParams.get("token") ?? "";
    const setup = (username: string) =>
      new TestBrowser(server.url).mutation("auth.setup", { token, username, password: "the admin's passphrase" });
    const refused = await setup("admin\u200b");
    expect(refused.status).toBe(400);
    expect(errorOf(refused).data.authCode).toBe("USERNAME_INVALID");
    const made = await setup(" ａｄｍｉｎ ");
    expect(made.status).toBe(200);
    expect(data<{ user: { username: string } }>(made).user.username).toBe("admin");
  });
});
