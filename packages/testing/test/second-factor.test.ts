import {
  backends,
  createClock,
  data,
  enrolTotp,
  errorOf,
  JarClient,
  startTollgate,
  type TollgateTestServer,
} from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The middle of a 30 s step: codes of the steps either side are unambiguous. */
const start = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

describe.each(backends())("enrolTotp, as a host app's test uses it (%s)", (backend) => {
  const clock = createClock(start);
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await startTollgate({ backend, clock });
  });
  afterAll(() => server?.close());

  it("turns TOTP on through the real procedures: sign-in then needs a code from the app, or a recovery code", async () => {
    await server.createUser({ username: "second", password: "second password" });
    const owner = new JarClient(server.url);
    expect((await owner.login("second", "second password")).status).toBe(200);
    const totp = await enrolTotp(owner, "second password", clock.now());
    expect(totp.recoveryCodes).toHaveLength(10);

    clock.advance(30);
    const device = new JarClient(server.url);
    expect(data(await device.login("second", "second password"))).toEqual({
      mfaRequired: true,
      methods: ["totp", "recovery_code"],
    });
    expect((await device.mutation("auth.mfa.verify", { code: totp.codeAt(clock.now()) })).status).toBe(200);
    expect((await device.query("user.me")).status).toBe(200);

    const other = new JarClient(server.url);
    await other.login("second", "second password");
    const used = await other.mutation("auth.mfa.verify", { recoveryCode: totp.recoveryCodes[0] });
    expect(used.status).toBe(200);
    const reused = new JarClient(server.url);
    await reused.login("second", "second password");
    const refused = await reused.mutation("auth.mfa.verify", { recoveryCode: totp.recoveryCodes[0] });
    expect(errorOf(refused).data.authCode).toBe("MFA_CODE_INVALID");
  });
});
