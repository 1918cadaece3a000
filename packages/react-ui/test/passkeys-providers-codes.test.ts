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
// The server suite's real OpenID provider (oidc-provider on a free port), shared rather than copied.
import { startTestProvider, type TestProvider } from "../../server/test/support/oidc-provider.js";
import { launchChromium } from "./browser.js";
import { checkScreen, LANGUAGES, PHONE } from "./screen-checks.js";

const webRoot = fileURLToPath(new URL("page/dist", import.meta.url));
const STEP_UP_MAX_AGE = 300;

/**
 * The screens the server offers only when configured: passkeys (a CDP
 * virtual authenticator answers every prompt), codes by mail, and a real
 * OpenID provider; in English and Persian, each screen checked for
 * direction, overflow at 360 px and axe-core violations.
 */
describe.each(LANGUAGES)(
  "passkeys, providers and codes by mail in $lang (headless Chromium, 360 px)",
  ({ lang, dir, c }) => {
    let server: TollgateTestServer;
    let mailbox: Mailbox;
    let clock: TestClock;
    let provider: TestProvider;
    let browser: Browser;
    // WebAuthn needs a domain as RP ID, not an IP address: the page is opened at localhost.
    let origin: string;

    beforeAll(async () => {
      clock = createClock();
      mailbox = await startMailbox();
      provider = await startTestProvider();
      server = await startTollgate({
        clock,
        mailbox,
        config: {
          webRoot,
          signup: "open",
          stepUpMaxAge: STEP_UP_MAX_AGE,
          emailCodeSignIn: true,
          oidcProviders: [provider.settings("test")],
        },
      });
      origin = server.url.replace("127.0.0.1", "localhost");
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await provider?.close();
      await mailbox?.close();
    });

    /** A page in the language (the browser's own, no ?lang=), with a virtual platform authenticator. */
    async function open(url = origin): Promise<Page> {
      const context = await browser.newContext({ viewport: PHONE, locale: lang });
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
      await page.goto(url);
      return page;
    }
    const screen = (page: Page, name: string) => checkScreen(page, `${lang} ${name}`, dir);
    const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
    async function signIn(page: Page, username: string, password: string): Promise<void> {
      await page.getByLabel(c.signIn.username, { exact: true }).fill(username);
      await page.getByLabel(c.signIn.password, { exact: true }).fill(password);
      await button(page, c.signIn.submit).click();
    }

    it("passkeys: add, sign in with one and no username, as the second step, rename, remove after a passkey step-up", async () => {
      const username = `pia-${lang}`;
      await server.createUser({ username, password: "pia password 1" });
      const page = await open();
      await signIn(page, username, "pia password 1");
      await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);

      await page.getByLabel(c.passkeys.newName).fill("Laptop");
      await button(page, c.passkeys.add).click();
      const passkeys = page.getByRole("list", { name: c.passkeys.list });
      await expect.poll(() => passkeys.locator("li").count()).toBe(1);
      expect(await passkeys.textContent()).toContain(c.passkeys.neverUsed);
      await screen(page, "passkeys listed");

      // Out, then in with the passkey alone.
      await button(page, c.account.signOut).click();
      await button(page, c.signIn.passkey).click();
      await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);

      // A password now asks for the passkey as the second step (no code field: no TOTP).
      await button(page, c.account.signOut).click();
      await signIn(page, username, "pia password 1");
      await expect.poll(() => button(page, c.secondFactor.passkey).count()).toBe(1);
      expect(await page.getByLabel(c.secondFactor.code).count()).toBe(0);
      await screen(page, "second factor: passkey");
      await button(page, c.secondFactor.passkey).click();
      await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);

      await button(page, c.passkeys.renameLabel.replace("{{name}}", "Laptop")).click();
      const rename = page.getByLabel(c.passkeys.newNameFor.replace("{{name}}", "Laptop"));
      await screen(page, "passkey rename");
      await rename.fill("Work laptop");
      await button(page, c.passkeys.saveName).click();
      await expect.poll(() => passkeys.textContent()).toContain("Work laptop");

      // Past STEP_UP_MAX_AGE removing asks to confirm it is you; the passkey answers.
      clock.advance(STEP_UP_MAX_AGE + 1);
      await button(page, c.passkeys.removeLabel.replace("{{name}}", "Work laptop")).click();
      await expect.poll(() => button(page, c.stepUp.passkey).count()).toBe(1);
      await screen(page, "step-up prompt with a passkey");
      await button(page, c.stepUp.passkey).click();
      await expect.poll(() => passkeys.locator("li").count()).toBe(0);
      await page.context().close();
    });

    it("codes by mail: the address, the code from the mail, signed in", async () => {
      const email = `cody-${lang}@example.com`;
      await server.createUser({ username: `cody-${lang}`, password: "cody password 1", email });
      const page = await open();
      await button(page, c.signIn.emailCode).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
      await screen(page, "email code: address");
      await page.getByLabel(c.common.email).fill(email);
      await button(page, c.emailCode.submit).click();
      await expect.poll(() => page.getByLabel(c.emailCode.code).count()).toBe(1);
      await screen(page, "email code: code");
      const mail = await mailbox.nextMail(email);
      const code = /\b(\d{6})\b/.exec(mail.text)?.[1] ?? "";
      await page.getByLabel(c.emailCode.code).fill(code);
      await button(page, c.emailCode.confirm).click();
      await expect.poll(() => page.getByTestId("username").textContent()).toBe(`cody-${lang}`);
      await page.context().close();
    });

    it("a provider: its button on the sign-in form, its login, back signed in, the identity in settings", async () => {
      const login = `olivia-${lang}`;
      provider.accounts.set(login, { email: `${login}@example.test`, email_verified: true, preferred_username: login });
      // The provider knows the server by its configured address (127.0.0.1), not localhost.
      const page = await open(server.url);
      const link = page.getByRole("link", { name: c.signIn.provider.replace("{{provider}}", "Test ID") });
      await expect.poll(() => link.count()).toBe(1);
      await screen(page, "sign-in with a provider button");
      await link.click();
      await page.waitForURL(`${provider.issuer}/interaction/**`);
      await page.getByPlaceholder("Enter any login").fill(login);
      await page.getByPlaceholder("and password").fill("anything");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL(`${server.url}/`);
      await expect.poll(() => page.getByTestId("username").textContent()).toBe(login);
      const linked = page.getByRole("list", { name: c.identities.list });
      await expect.poll(() => linked.textContent()).toContain(`${login}@example.test`);
      await screen(page, "account settings with a linked provider");
      await page.context().close();
    });
  },
);
