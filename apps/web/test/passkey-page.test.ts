import { fileURLToPath } from "node:url";
import { createClock, startTollgate, type TestClock, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
/** STEP_UP_MAX_AGE here: removing a passkey after it asks the user to confirm it is them. */
const STEP_UP_MAX_AGE = 300;

/**
 * Passkeys on the account page, in headless Chromium with a virtual
 * authenticator (CDP WebAuthn domain): a platform authenticator that keeps
 * discoverable credentials and verifies the user, so every prompt succeeds.
 */
describe("passkeys on the account page (headless Chromium, virtual authenticator)", () => {
  let server: TollgateTestServer;
  let browser: Browser;
  // The server's clock, moved past STEP_UP_MAX_AGE by the test (the page's own clock stays the wall's).
  let clock: TestClock;
  // WebAuthn needs a domain as RP ID, not an IP address: the page is opened at localhost (a secure context).
  let origin: string;

  beforeAll(async () => {
    clock = createClock();
    server = await startTollgate({ clock, config: { webRoot, stepUpMaxAge: STEP_UP_MAX_AGE } });
    await server.createUser({ username: "pia", password: "pia password" });
    origin = server.url.replace("127.0.0.1", "localhost");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function withAuthenticator(): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
    const context = await browser.newContext();
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
    return { context, page, cdp };
  }

  async function signInWithPassword(page: Page): Promise<void> {
    await page.getByLabel("Username").fill("pia");
    await page.getByLabel("Password").fill("pia password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  it("registers a passkey, signs in with it and no username, uses it as a second factor, renames it and removes it after a step-up", async () => {
    const { context, page } = await withAuthenticator();
    await page.goto(origin);
    await signInWithPassword(page);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");

    // Register: the browser's prompt is answered by the virtual authenticator.
    await page.getByLabel("Name for a new passkey").fill("Laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const passkeys = page.getByRole("list", { name: "Your passkeys" });
    await expect.poll(() => passkeys.locator("li").count()).toBe(1);
    expect(await passkeys.textContent()).toContain("Laptop");
    expect(await passkeys.textContent()).toContain("never used");

    // Sign out, then in with the passkey alone: no username typed.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => page.getByRole("form", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");
    await expect.poll(() => passkeys.textContent()).toContain("last used");

    // A password now asks for the passkey as the second step (no code field: no TOTP).
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signInWithPassword(page);
    await expect.poll(() => page.getByRole("heading", { name: "Two-step sign-in" }).isVisible()).toBe(true);
    expect(await page.getByLabel("Code from your authenticator app or a recovery code").count()).toBe(0);
    expect(await page.getByTestId("username").count()).toBe(0);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");

    // Rename (not sensitive), then remove once the sign-in is older than STEP_UP_MAX_AGE: the page asks
    // the user to confirm it is them, the passkey answers, and the removal goes through on the same session.
    await page.getByRole("button", { name: "Rename Laptop" }).click();
    await page.getByLabel("New name for Laptop").fill("Work laptop");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect.poll(() => passkeys.textContent()).toContain("Work laptop");
    clock.advance(STEP_UP_MAX_AGE + 1);
    await page.getByRole("button", { name: "Remove Work laptop" }).click();
    const stepUp = page.getByRole("form", { name: "Confirm it is you" });
    await expect.poll(() => stepUp.isVisible()).toBe(true);
    // The list sits behind the prompt (hidden, so out of the accessibility tree): the passkey is still there.
    expect(await page.locator("ul[aria-label='Your passkeys'] li").count()).toBe(1);
    await stepUp.getByRole("button", { name: "Use a passkey" }).click();
    await expect.poll(() => stepUp.count()).toBe(0);
    await expect.poll(() => passkeys.locator("li").count()).toBe(0);
    expect(await page.locator("ul[aria-label='Your passkeys'] li").count()).toBe(0);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signInWithPassword(page);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");
    await context.close();
  });

  it('the username field\'s autofill (autocomplete="username webauthn", conditional mediation) signs in with a passkey', async () => {
    const { context, page } = await withAuthenticator();
    await page.goto(origin);
    await signInWithPassword(page);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Your passkeys" }).locator("li").count()).toBe(1);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    // Signed out before the reload (a navigation would cancel the sign-out request and keep the session).
    await expect.poll(() => page.getByRole("form", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel("Username").getAttribute("autocomplete")).toBe("username webauthn");
    // A fresh load of the signed-out page starts the conditional request; the virtual authenticator
    // answers it with its one passkey, as a user picking it among the field's suggestions would.
    await page.reload();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("pia");
    expect(await page.getByRole("list", { name: "Your passkeys" }).locator("li").count()).toBe(1);
    await context.close();
  });
});
