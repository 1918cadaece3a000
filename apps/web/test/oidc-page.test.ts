import { fileURLToPath } from "node:url";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The server suite's real OpenID provider (oidc-provider on a free port), shared rather than copied.
import { startTestProvider, type TestProvider } from "../../../packages/server/test/support/oidc-provider.js";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

/**
 * Sign-in with another provider on the account page, in headless Chromium: the
 * "Sign in with …" link, the provider's own login form filled as a user
 * would, and back on the account page signed in; the identity is listed
 * under the Security section and a provider's refusal lands with a message.
 */
describe("sign-in with an OpenID provider on the account page (headless Chromium)", () => {
  let provider: TestProvider;
  let server: TollgateTestServer;
  let browser: Browser;

  beforeAll(async () => {
    provider = await startTestProvider();
    server = await startTollgate({
      config: { webRoot, signup: "open", oidcProviders: [provider.settings("test")] },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  it("account page → provider login form → back signed in, the identity listed with Unlink", async () => {
    provider.accounts.set("olivia", {
      email: "olivia@example.test",
      email_verified: true,
      given_name: "Olivia",
      preferred_username: "olivia",
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Sign in with Test ID" }).click();

    // The provider's own pages: its login form, then its consent.
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByPlaceholder("Enter any login").fill("olivia");
    await page.getByPlaceholder("and password").fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();

    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("olivia");
    const linked = page.getByRole("list", { name: "Linked sign-in providers" });
    await expect.poll(() => linked.textContent()).toContain("olivia@example.test");
    expect(await page.getByRole("button", { name: "Unlink Test ID" }).isVisible()).toBe(true);
    await context.close();
  });

  it("links a provider from the Security section while signed in, then unlinks it", async () => {
    await server.createUser({ username: "pavel", password: "pavel password" });
    provider.accounts.set("pavel-elsewhere", { email: "pavel@elsewhere.test", email_verified: false });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("pavel");
    await page.getByLabel("Password").fill("pavel password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Link Test ID" }).click();

    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByPlaceholder("Enter any login").fill("pavel-elsewhere");
    await page.getByPlaceholder("and password").fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();

    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Test ID is linked: you can sign in with it.");
    expect(await page.getByTestId("username").textContent()).toBe("pavel");
    await page.getByRole("button", { name: "Unlink Test ID" }).click();
    await expect.poll(() => page.getByText("No provider linked yet.").isVisible()).toBe(true);
    await context.close();
  });

  it("a provider's refusal (the user cancels) lands on the page with a message and the code, signed out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Sign in with Test ID" }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByRole("link", { name: "Cancel" }).click();

    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("(OIDC_DENIED)");
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    await context.close();
  });
});
