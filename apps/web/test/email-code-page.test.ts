import { fileURLToPath } from "node:url";
import {
  createClock,
  type Mailbox,
  startMailbox,
  startTollgate,
  type TestClock,
  type TollgateTestServer,
} from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
const CODE_MAIL = /Your sign-in code/;

/** The six digits of a sign-in code mail. */
function codeIn(text: string): string {
  const code = /The code is (\d{6})\./.exec(text)?.[1];
  if (!code) throw new Error(`no code in ${text}`);
  return code;
}

describe("account page in headless Chromium: sign in with a code by mail", () => {
  let smtp: Mailbox;
  let server: TollgateTestServer;
  let browser: Browser;
  // The server's clock: a second code is mailed only a minute after the first.
  let clock: TestClock;

  beforeAll(async () => {
    smtp = await startMailbox();
    clock = createClock();
    server = await startTollgate({
      clock,
      config: { webRoot, emailCodeSignIn: true },
      mailbox: smtp,
      tollgate: { mailRetry: { pollMs: 100 } },
    });
    await server.createUser({ username: "mara", password: "mara's passphrase", email: "mara@example.org" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  const signedInAs = (page: Page) => page.getByTestId("username").textContent();

  it("asks for the address, then the code from the mail, and signs in; the mail's link signs in too and leaves the address bar", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Email me a code" }).click();
    const ask = page.getByRole("form", { name: "Email me a code" });
    await ask.getByLabel("Email address").fill("mara@example.org");
    await ask.getByRole("button", { name: "Send code" }).click();
    const enter = page.getByRole("form", { name: "Enter the code from the mail" });
    await expect.poll(() => enter.isVisible()).toBe(true);
    const first = await smtp.waitFor("mara@example.org", CODE_MAIL);

    await enter.getByLabel("Six-digit code").fill(codeIn(first.text) === "000000" ? "000001" : "000000");
    await enter.getByRole("button", { name: "Confirm code" }).click();
    await expect.poll(() => enter.getByRole("alert").textContent()).toMatch(/wrong, expired or already used/);
    await enter.getByLabel("Six-digit code").fill(codeIn(first.text));
    await enter.getByRole("button", { name: "Confirm code" }).click();
    await expect.poll(() => signedInAs(page)).toBe("mara");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => page.getByRole("form", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    // A minute on, a new code; this time the mail's link signs in.
    clock.advance(61);
    await page.getByRole("button", { name: "Email me a code" }).click();
    await ask.getByLabel("Email address").fill("mara@example.org");
    await ask.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => enter.isVisible()).toBe(true);
    const second = await smtp.waitFor("mara@example.org", CODE_MAIL, 2);
    expect(second.link).toMatch(/\/sign-in-link\?token=/);
    await page.goto(second.link ?? "");
    await expect.poll(() => signedInAs(page)).toBe("mara");
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });
});
