import { fileURLToPath } from "node:url";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import { Secret, TOTP } from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

/** What an authenticator app shows for `secret` at `timestamp`. */
function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp,
  });
}

describe("two-step sign-in on the account page (headless Chromium)", () => {
  let server: TollgateTestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTollgate({ config: { webRoot } });
    await server.createUser({ username: "tara", password: "tara password" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("sets up TOTP from the secret on the page, then signing in asks for the code", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("tara");
    await page.getByLabel("Password").fill("tara password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("tara");

    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    // The password first: no secret or QR code before it.
    const form = page.locator("#totp-on");
    await form.getByLabel("Password").fill("not the password");
    await form.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toBe("The password is wrong");
    expect(await page.getByTestId("totp-secret").count()).toBe(0);
    expect(await page.getByAltText("QR code for your authenticator app").count()).toBe(0);
    await form.getByLabel("Password").fill("tara password");
    await form.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("totp-secret").count()).toBe(1);
    expect(await form.count()).toBe(0);
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByAltText("QR code for your authenticator app").isVisible()).toBe(true);
    await page.getByLabel("Code from the app").fill(codeAt(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    await expect.poll(() => page.locator("#mfa-status").textContent()).toContain("on");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByLabel("Username").fill("tara");
    await page.getByLabel("Password").fill("tara password");
    await page.getByRole("button", { name: "Sign in" }).click();
    // The code of the next step: the one that turned TOTP on is used up.
    await page.getByLabel("Code from your authenticator app").fill(codeAt(secret, Date.now() + 30_000));
    expect(await page.locator("#profile").isHidden()).toBe(true);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.locator("#profile").isVisible()).toBe(true);
    expect(await page.getByTestId("username").textContent()).toBe("tara");
    expect(await page.locator("#second-factor").isHidden()).toBe(true);
    await context.close();
  });

  it("new recovery codes need the password and a code from the app: a wrong password shows the error, no codes", async () => {
    await server.createUser({ username: "rhea", password: "rhea password" });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("rhea");
    await page.getByLabel("Password").fill("rhea password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("rhea");
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await page.locator("#totp-on").getByLabel("Password").fill("rhea password");
    await page.locator("#totp-on").getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("totp-secret").count()).toBe(1);
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    await page.getByLabel("Code from the app").fill(codeAt(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    const first = await page.getByRole("list", { name: "Recovery codes" }).locator("li").allTextContents();

    await page.getByRole("button", { name: "New recovery codes" }).click();
    const form = page.locator("#recovery-codes-new");
    // The code of the next step: the one that turned TOTP on is used up.
    const code = codeAt(secret, Date.now() + 30_000);
    await form.getByLabel("Password").fill("not the password");
    await form.getByLabel("Code from the app").fill(code);
    await form.getByRole("button", { name: "Get new recovery codes" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toBe("The password is wrong");
    expect(await page.getByRole("list", { name: "Recovery codes" }).count()).toBe(0);
    await form.getByLabel("Password").fill("rhea password");
    await form.getByRole("button", { name: "Get new recovery codes" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    expect(await form.count()).toBe(0);
    const fresh = await page.getByRole("list", { name: "Recovery codes" }).locator("li").allTextContents();
    expect(fresh).not.toContain(first[0]);
    await context.close();
  });

  it("the mailed /mfa-unlock link unlocks a locked second factor (the token leaves the address bar)", async () => {
    const userId = (await server.createUser({ username: "una", password: "una password" })).id;
    const { db } = server.database;
    await db
      .insertInto("user_totp")
      .values({ user_id: userId, secret: "sealed", created_at: new Date(), enabled_at: new Date(), failed_codes: 10 })
      .execute();
    const token = await server.tollgate.services.tokens.issue(userId, "mfa_unlock", null);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/mfa-unlock?token=${token}`);
    await expect
      .poll(() => page.locator("#notice").textContent())
      .toBe("Two-step sign-in is unlocked: sign in with a code from your app.");
    expect(page.url()).toBe(`${server.url}/`);
    const row = await db
      .selectFrom("user_totp")
      .select("failed_codes")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    expect(Number(row?.failed_codes)).toBe(0);

    // Used once: the same link again says so.
    await page.goto(`${server.url}/mfa-unlock?token=${token}`);
    await expect.poll(() => page.locator("#notice").textContent()).toBe("The link is invalid, expired or already used");
    await context.close();
  });
});
