import { authCodeOf, createTollgateClient, needsSecondFactor } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import { enrolTotp, JarClient, type TollgateTestServer, type TotpEnrolment } from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingFetch, serverWithUser } from "./support.js";

describe("sign-in with a second factor through the SDK", () => {
  let server: TollgateTestServer;
  let totp: TotpEnrolment;
  beforeAll(async () => {
    server = await serverWithUser();
    // TOTP on for sdk-user, enrolled through the real procedures; the test keeps the recovery codes.
    const owner = new JarClient(server.url);
    expect((await owner.login("sdk-user", "sdk password")).status).toBe(200);
    totp = await enrolTotp(owner, "sdk password");
  });

  /** A six-digit code the app shows at no step the server accepts now (±1 step of 30 s, and then some). */
  function wrongCode(): string {
    const near = new Set([-2, -1, 0, 1, 2].map((step) => totp.codeAt(Date.now() + step * 30_000)));
    let code = 0;
    while (near.has(String(code).padStart(6, "0"))) code++;
    return String(code).padStart(6, "0");
  }
  afterAll(() => server?.close());

  it("auth.login's mfaRequired is not a sign-in and not a 401; auth.mfa.verify completes it, alone", async () => {
    let expired = 0;
    const counter = countingFetch();
    const api = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar: new CookieJar(),
      fetch: counter.fetch,
      proactiveRefresh: false,
      crossTab: false,
      onSessionExpired: () => expired++,
    });
    const result = await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    expect(needsSecondFactor(result)).toBe(true);
    if (!needsSecondFactor(result)) return;
    expect(result.methods).toEqual(["totp", "recovery_code"]);

    // A wrong code: an error of its own, no refresh, no "session expired".
    const wrong = await api.auth.mfa.verify.mutate({ code: wrongCode() }).catch((error: unknown) => error);
    expect(authCodeOf(wrong)).toBe("MFA_CODE_INVALID");
    const signedIn = await api.auth.mfa.verify.mutate({ recoveryCode: totp.recoveryCodes[0] as string });
    expect(signedIn.user.username).toBe("sdk-user");
    expect((await api.user.me.query()).username).toBe("sdk-user");

    // The pending sign-in is used up: its 401 is not an ended session either.
    const again = await api.auth.mfa.verify
      .mutate({ recoveryCode: totp.recoveryCodes[1] as string })
      .catch((error: unknown) => error);
    expect(authCodeOf(again)).toBe("MFA_PENDING_INVALID");
    expect(counter.count("auth.refresh")).toBe(0);
    expect(expired).toBe(0);
    expect(counter.calls.filter((c) => c.includes("auth.mfa.verify"))).toEqual([
      "auth.mfa.verify",
      "auth.mfa.verify",
      "auth.mfa.verify",
    ]);
  });
});
