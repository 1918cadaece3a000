import { fileURLToPath } from "node:url";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import { Secret, TOTP } from "otpauth";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

/** What an authenticator app shows for `secret` at `timestamp`. */
function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp,
  });
}

/** The account's "Two-step sign-in" section (a region named by its heading). */
const twoStep = (page: Page) => page.getByRole("region", { name: "Two-step sign-in" });
/** The signed-in account's profile section. */
const profile = (page: Page) => page.getByRole("region", { name: "Profile" });

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
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("tara");

    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    // The password first: no secret or QR code before it.
    const section = twoStep(page);
    await section.getByLabel("Your password").fill("not the password");
    await section.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => section.getByRole("alert").textContent()).toBe("The password is wrong");
    expect(await page.getByTestId("totp-secret").count()).toBe(0);
    expect(await page.getByAltText("QR code for your authenticator app").count()).toBe(0);
    await section.getByLabel("Your password").fill("tara password");
    await section.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("totp-secret").count()).toBe(1);
    // The password step is gone: the secret replaced it.
    expect(await section.getByLabel("Your password").count()).toBe(0);
    expect(await section.getByRole("button", { name: "Continue" }).count()).toBe(0);
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByAltText("QR code for your authenticator app").isVisible()).toBe(true);
    await page.getByLabel("Code from the app").fill(codeAt(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    // The codes show once, until the user says they are saved; then the status.
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect
      .poll(() => page.getByTestId("mfa-status").textContent())
      .toBe("On (authenticator app). Recovery codes left: 10.");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByLabel("Username").fill("tara");
    await page.getByLabel("Password").fill("tara password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The code of the next step: the one that turned TOTP on is used up.
    const secondStep = page.getByRole("form", { name: "Two-step sign-in" });
    await secondStep.getByLabel("Code from your authenticator app").fill(codeAt(secret, Date.now() + 30_000));
    // The password alone signed nothing in: no account yet.
    expect(await profile(page).count()).toBe(0);
    await secondStep.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => profile(page).isVisible()).toBe(true);
    expect(await page.getByTestId("username").textContent()).toBe("tara");
    expect(await secondStep.count()).toBe(0);
    await context.close();
  });

  it("new recovery codes need the password and a code from the app: a wrong password shows the error, no codes", async () => {
    await server.createUser({ username: "rhea", password: "rhea password" });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("rhea");
    await page.getByLabel("Password").fill("rhea password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("rhea");
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await twoStep(page).getByLabel("Your password").fill("rhea password");
    await twoStep(page).getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("totp-secret").count()).toBe(1);
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    await page.getByLabel("Code from the app").fill(codeAt(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    const first = await page.getByRole("list", { name: "Recovery codes" }).locator("li").allTextContents();
    await page.getByRole("button", { name: "I have saved them" }).click();

    await page.getByRole("button", { name: "New recovery codes" }).click();
    const section = twoStep(page);
    const submit = section.getByRole("button", { name: "Get new recovery codes" });
    // The code of the next step: the one that turned TOTP on is used up.
    const code = codeAt(secret, Date.now() + 30_000);
    await section.getByLabel("Your password").fill("not the password");
    await section.getByLabel("Code from the app").fill(code);
    await submit.click();
    await expect.poll(() => section.getByRole("alert").textContent()).toBe("The password is wrong");
    expect(await page.getByRole("list", { name: "Recovery codes" }).count()).toBe(0);
    await section.getByLabel("Your password").fill("rhea password");
    await submit.click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    expect(await submit.count()).toBe(0);
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
      .poll(() => page.getByRole("status").textContent())
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
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The link is invalid, expired or already used");
    expect(page.url()).toBe(`${server.url}/`);
    await context.close();
  });
});
