import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passkey } from "../src/methods/passkey/index.js";
import { passkeyTables } from "../src/methods/passkey/tables.js";
import { hashToken } from "../src/stores/token-hash.js";
import { assert } from "./fixtures/soft-authenticator.js";
import {
  backends,
  createClock,
  data,
  errorOf,
  loginOptions,
  registerPasskey,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

const PASSWORD = "correct horse battery";

/** Challenges are stored hashed, single use under races, short lived, purged, and end with a sign-out everywhere. */
describe.each(backends())("passkey challenges (%s)", (backend) => {
  let server: TestServer;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createClock();
    server = await startTestServer(backend, { clock });
  });
  afterAll(async () => {
    await server?.close();
  });

  const challenges = () => passkeyTables(server.database).selectFrom("passkey_challenges").selectAll().execute();

  it("only a hash of the challenge is stored", async () => {
    const options = await loginOptions(new TestBrowser(server.url));
    const rows = await challenges();
    expect(rows.map((r) => r.challenge_hash)).toContain(hashToken(options.challenge));
    expect(JSON.stringify(rows)).not.toContain(options.challenge);
  });

  it("two requests racing with one assertion: exactly one signs in", async () => {
    await server.createUser("race", PASSWORD);
    const owner = new TestBrowser(server.url);
    expect((await owner.login("race", PASSWORD)).status).toBe(200);
    const { credential } = await registerPasskey(owner);
    const response = assert(credential, await loginOptions(owner), { origin: server.url });
    const results = await Promise.all(
      Array.from({ length: 4 }, () => new TestBrowser(server.url).mutation("auth.passkey.login", { response })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(errorOf(r).data.authCode).toBe("PASSKEY_CHALLENGE_INVALID");
    }
  });

  it("a new prompt for one account replaces its earlier one of the same kind", async () => {
    await server.createUser("replace", PASSWORD);
    const owner = new TestBrowser(server.url);
    expect((await owner.login("replace", PASSWORD)).status).toBe(200);
    const first = data<{ challenge: string }>(await owner.mutation("auth.passkey.registerOptions"));
    const second = data<{ challenge: string }>(await owner.mutation("auth.passkey.registerOptions"));
    const hashes = (await challenges()).map((r) => r.challenge_hash);
    expect(hashes).not.toContain(hashToken(first.challenge));
    expect(hashes).toContain(hashToken(second.challenge));
  });

  it("purge (hourly maintenance) deletes expired challenges only", async () => {
    const old = await loginOptions(new TestBrowser(server.url));
    clock.advance(6 * 60);
    const fresh = await loginOptions(new TestBrowser(server.url));
    const purged = await passkey().hooks?.purge?.({ database: server.database, now: clock.now }, new Date(clock.now()));
    expect(purged).toBeGreaterThanOrEqual(1);
    const hashes = (await challenges()).map((r) => r.challenge_hash);
    expect(hashes).not.toContain(hashToken(old.challenge));
    expect(hashes).toContain(hashToken(fresh.challenge));
  });

  it("signing out everywhere drops the user's outstanding challenges", async () => {
    const userId = await server.createUser("everywhere", PASSWORD);
    const owner = new TestBrowser(server.url);
    expect((await owner.login("everywhere", PASSWORD)).status).toBe(200);
    expect((await owner.mutation("auth.passkey.registerOptions")).status).toBe(200);
    expect((await challenges()).filter((r) => r.user_id === userId)).toHaveLength(1);
    expect((await owner.mutation("auth.logoutAll")).status).toBe(200);
    expect((await challenges()).filter((r) => r.user_id === userId)).toHaveLength(0);
  });
});
