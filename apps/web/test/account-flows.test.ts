import { fileURLToPath } from "node:url";
import { announceFirstRunSetup } from "@tollgate/server";
import { type Mailbox, startMailbox, startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

describe("account page in headless Chromium: sign up, verify, forgot password, reset", () => {
  let smtp: Mailbox;
  let server: TollgateTestServer;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTollgate({
      config: { webRoot, signup: "open" },
      mailbox: smtp,
      tollgate: { mailRetry: { pollMs: 100 } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  const signedInAs = (page: Page) => page.getByTestId("username").textContent();
  /** Every announcement on the page (role="status"), joined. */
  const notice = async (page: Page) => (await page.getByRole("status").allTextContents()).join(" ").trim();
  const email = (page: Page) => page.getByTestId("email").textContent();

  it("first run: the setup link from the start log creates the first account (the page says what the link is for)", async () => {
    const link = await announceFirstRunSetup(server.tollgate.services, server.url);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link ?? "");
    expect(page.url()).toBe(`${server.url}/`);
    const form = page.getByRole("form", { name: "Create the first account" });
    await expect.poll(() => form.textContent()).toMatch(/create the first one/);
    // The visitor is on the link already: nothing tells them to go and open it.
    expect(await form.textContent()).not.toMatch(/open that link|start log/);
    await form.getByLabel("Choose a username").fill("root");
    await form.getByLabel("Choose a password").fill("the root passphrase");
    await form.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => signedInAs(page)).toBe("root");
    await context.close();
  });

  it("signs up, follows the mailed links (tokens leave the address bar), resets and signs in with the new password", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(`${request.url()} ${request.headers().referer ?? ""}`));

    await page.goto(server.url);
    await page.getByRole("button", { name: "Create an account" }).click();
    const signUp = page.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Choose a username").fill("lena");
    await signUp.getByLabel("Email address").fill("lena@example.org");
    await signUp.getByLabel("Choose a password").fill("password1");
    await signUp.getByRole("button", { name: "Sign up" }).click();
    await expect
      .poll(() => signUp.getByRole("alert").textContent())
      .toBe("That password is one of the most common ones: choose another.");
    await signUp.getByLabel("Choose a password").fill("lena's first passphrase");
    await signUp.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => signedInAs(page)).toBe("lena");
    // The address waits for its link before it is the account's: shown, marked unconfirmed, with what to do.
    await expect
      .poll(() => page.getByRole("region", { name: "Profile" }).textContent())
      .toContain("Follow the link we mailed to lena@example.org to confirm it.");
    expect(await email(page)).toBe("lena@example.org (not confirmed yet)");

    const verification = await smtp.waitFor("lena@example.org", /Confirm your email address/);
    await page.goto(verification.link ?? "");
    await expect.poll(() => notice(page)).toBe("Your email address is confirmed.");
    expect(new URL(page.url()).pathname).toBe("/");
    expect(page.url()).not.toContain("token");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => email(page)).toBe("lena@example.org (confirmed)");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => page.getByRole("form", { name: "Sign in", exact: true }).isVisible()).toBe(true);

    await page.getByRole("button", { name: "Forgot password?" }).click();
    const forgot = page.getByRole("form", { name: "Reset your password" });
    await forgot.getByLabel("Email address").fill("lena@example.org");
    await forgot.getByRole("button", { name: "Send reset link" }).click();
    await expect.poll(() => notice(page)).toMatch(/a link to reset its password is on its way/);

    const reset = await smtp.waitFor("lena@example.org", /Reset your password/);
    await page.goto(reset.link ?? "");
    expect(page.url()).toBe(`${server.url}/`);
    const form = page.getByRole("form", { name: "Choose a new password" });
    await form.getByLabel("New password").fill("lena's second passphrase");
    await form.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => signedInAs(page)).toBe("lena");
    await smtp.waitFor("lena@example.org", /Your password was changed/);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByLabel("Username").fill("lena");
    await page.getByLabel("Password").fill("lena's first passphrase");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid username or password");
    await page.getByLabel("Password").fill("lena's second passphrase");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => signedInAs(page)).toBe("lena");

    // Profile edit: names, and a new address (a password given is checked), then pends until confirmed.
    await page.getByRole("button", { name: "Edit profile" }).click();
    const edit = page.locator(".tg-form-profile");
    await edit.getByLabel("First name").fill("Lena");
    await edit.getByLabel("Email address").fill("lena@example.net");
    await edit.getByLabel("Current password").fill("not lena's passphrase");
    await edit.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => edit.getByRole("alert").textContent()).toBe("The password is wrong");
    await edit.getByLabel("Current password").fill("lena's second passphrase");
    await edit.getByRole("button", { name: "Save profile" }).click();
    const profile = page.getByRole("region", { name: "Profile" });
    await expect.poll(() => profile.textContent()).toContain("NameLena");
    // The confirmed address stays until the new one is confirmed.
    expect(await email(page)).toBe("lena@example.org (confirmed)");
    expect(await profile.textContent()).toContain("lena@example.net waits for confirmation");
    const confirmNew = await smtp.waitFor("lena@example.net", /Confirm your email address/);
    await page.goto(confirmNew.link ?? "");
    await expect.poll(() => notice(page)).toBe("Your email address is confirmed.");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => email(page)).toBe("lena@example.net (confirmed)");
    await smtp.waitFor("lena@example.org", /Your email address was changed/);

    // No request the page made carried a link's token in a Referer.
    for (const line of requests) expect(line.split(" ")[1] ?? "").not.toContain("token=");
    await context.close();
  });
});
