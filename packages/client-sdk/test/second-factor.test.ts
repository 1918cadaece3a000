import { createHash } from "node:crypto";
import { authCodeOf, createTollgateClient, needsSecondFactor } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import type { TestServer } from "@tollgate/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingFetch, serverWithUser } from "./support.js";

const RECOVERY_CODES = ["AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "GGGG-HHHH-IIII-JJJJ-KKKK-LLLL"];

describe("sign-in with a second factor through the SDK", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serverWithUser();
    // TOTP on for sdk-user, with recovery codes the test knows (as confirm would store them: SHA-256 of the normalized code).
    const { mfa, totpSecrets, users } = server.app.services;
    const user = await users.findByUsername("sdk-user");
    const userId = user?.id as string;
    await mfa.beginTotp(userId, await totpSecrets.seal(userId, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
    const hashes = RECOVERY_CODES.map((c) => createHash("sha256").update(c.replaceAll("-", "")).digest("hex"));
    expect(await mfa.enableTotp(userId, 1, hashes)).toBe(true);
  });
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
    const wrong = await api.auth.mfa.verify.mutate({ code: "000000" }).catch((error: unknown) => error);
    expect(authCodeOf(wrong)).toBe("MFA_CODE_INVALID");
    const signedIn = await api.auth.mfa.verify.mutate({ recoveryCode: RECOVERY_CODES[0] as string });
    expect(signedIn.user.username).toBe("sdk-user");
    expect((await api.user.me.query()).username).toBe("sdk-user");

    // The pending sign-in is used up: its 401 is not an ended session either.
    const again = await api.auth.mfa.verify
      .mutate({ recoveryCode: RECOVERY_CODES[1] as string })
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
