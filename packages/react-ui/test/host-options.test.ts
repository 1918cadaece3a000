import { fileURLToPath } from "node:url";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { checkScreen, PHONE } from "./screen-checks.js";

const webRoot = fileURLToPath(new URL("page/dist", import.meta.url));

/**
 * What a host app chooses: the account page contract in English, unstyled
 * mode, a language of its own, and passkeys in the username field's autofill.
 */
describe("host options of the account components (headless Chromium)", () => {
  let server: TollgateTestServer;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    server = await startTollgate({ config: { webRoot } });
    origin = server.url.replace("127.0.0.1", "localhost");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, locale = "en"): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, locale });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${origin}${path}`);
    return page;
  }

  it('keeps the account page contract in English: "Username", "Password", "Sign in", data-testid="username", "Sign out"', async () => {
    await server.createUser({ username: "cora", password: "cora password" });
    const page = await open("/");
    await page.getByLabel("Username", { exact: true }).fill("cora");
    await page.getByLabel("Password", { exact: true }).fill("cora password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("cora");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => page.getByLabel("Username", { exact: true }).count()).toBe(1);
    expect(await page.getByTestId("username").count()).toBe(0);
    await expect.poll(() => page.getByRole("status").textContent()).toBe("You signed out.");

    // Regression: the "You signed out." notice does not stay above a failed sign-in's error.
    await page.getByLabel("Username", { exact: true }).fill("cora");
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid username or password");
    expect(await page.getByText("You signed out.").count()).toBe(0);
    await page.context().close();
  });

  it("unstyled: semantic markup with the stable class names, no themed class, still accessible", async () => {
    const page = await open("/?lang=en&unstyled");
    await expect.poll(() => page.locator(".tg-root.tg-sign-in").count()).toBe(1);
    expect(await page.locator(".tg-themed").count()).toBe(0);
    expect(await page.locator("form.tg-form-sign-in .tg-field").count()).toBe(2);
    // No stylesheet rule reaches the markup: the input keeps the browser's own border.
    const padding = await page.getByLabel("Username").evaluate((input) => getComputedStyle(input).paddingInlineStart);
    expect(padding).not.toBe("12px");
    await checkScreen(page, "unstyled sign-in", "ltr");
    await page.context().close();
  });

  it("a host's language: its catalogue's strings, English for the keys it leaves out, its lang on the root", async () => {
    const page = await open("/?lang=de", "de");
    await expect.poll(() => page.getByRole("button", { name: "Anmelden", exact: true }).count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Anmelden" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Passwort vergessen?" }).count()).toBe(1);
    // Not in the host's catalogue: English.
    expect(await page.getByLabel("Username", { exact: true }).count()).toBe(1);
    expect(await page.locator(".tg-root").getAttribute("lang")).toBe("de");
    await checkScreen(page, "de sign-in", "ltr");
    await page.context().close();
  });

  it('passkeys in the username field\'s autofill (autocomplete="username webauthn") sign in', async () => {
    await server.createUser({ username: "fay", password: "fay password" });
    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.goto(`${origin}/?lang=en`);
    await page.getByLabel("Username", { exact: true }).fill("fay");
    await page.getByLabel("Password", { exact: true }).fill("fay password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Your passkeys" }).locator("li").count()).toBe(1);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    // meta.info outlives the session's data: the form that appears offers passkeys at once.
    await expect.poll(() => page.getByLabel("Username", { exact: true }).count()).toBe(1);
    expect(await page.getByLabel("Username", { exact: true }).getAttribute("autocomplete")).toBe("username webauthn");
    // The signed-out page with autofill on: the authenticator answers the conditional request with its passkey.
    await page.goto(`${origin}/?lang=en&autofill`);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("fay");
    await context.close();
  });
});
