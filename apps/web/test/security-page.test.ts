import { fileURLToPath } from "node:url";
import { startTestServer, type TestServer } from "@tollgate/server/testing";
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
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { webRoot } });
    await server.createUser("tara", "tara password");
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
});
