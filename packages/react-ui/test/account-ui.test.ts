import { fileURLToPath } from "node:url";
import {
  createClock,
  type Mailbox,
  startMailbox,
  startTollgate,
  type TestClock,
  type TollgateTestServer,
  totpCodeAt,
} from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { checkScreen, LANGUAGES, PHONE } from "./screen-checks.js";

const webRoot = fileURLToPath(new URL("page/dist", import.meta.url));
const STEP_UP_MAX_AGE = 300;

/**
 * Every screen of the components, in English and in Persian (right to left),
 * at 360 px in Chromium against a real Tollgate and a real SMTP mailbox:
 * each screen is checked for direction, overflow and axe-core violations as
 * the flows reach it.
 */
describe.each(LANGUAGES)("the account components in $lang (headless Chromium, 360 px)", ({ lang, dir, c }) => {
  let server: TollgateTestServer;
  let mailbox: Mailbox;
  let clock: TestClock;
  let browser: Browser;

  beforeAll(async () => {
    clock = createClock();
    mailbox = await startMailbox();
    server = await startTollgate({
      clock,
      mailbox,
      config: { webRoot, signup: "open", stepUpMaxAge: STEP_UP_MAX_AGE },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mailbox?.close();
  });

  async function open(path = "/"): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, locale: lang });
    // A step that cannot happen fails in seconds, naming the locator, instead of at the test's timeout.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.url}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
    return page;
  }
  const screen = (page: Page, name: string) => checkScreen(page, `${lang} ${name}`, dir);
  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.getByLabel(c.signIn.username, { exact: true }).fill(username);
    await page.getByLabel(c.signIn.password, { exact: true }).fill(password);
    await button(page, c.signIn.submit).click();
  }

  it("sign-in (a wrong password's alert), forgot password, the mailed reset link, then the account in the language", async () => {
    const email = `ada-${lang}@example.com`;
    await server.createUser({ username: `ada-${lang}`, password: "ada password 1", email });
    const page = await open();
    await expect.poll(() => page.getByLabel(c.signIn.username, { exact: true }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe(dir);
    await screen(page, "sign-in");

    await signIn(page, `ada-${lang}`, "not the password");
    const alert = page.locator(".tg-form-sign-in [role=alert]");
    await expect.poll(() => alert.textContent()).toBe(c.errors.INVALID_CREDENTIALS);
    // Focus back on the first field, to type again.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("username");
    await screen(page, "sign-in with an error");

    await button(page, c.signIn.forgot).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
    await screen(page, "reset request");
    await page.getByLabel(c.common.email).fill(email);
    await button(page, c.forgot.submit).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe(c.forgot.sent);
    await screen(page, "reset request sent");

    const mail = await mailbox.nextMail(email);
    const link = new URL(mail.link ?? "");
    const reset = await open(`${link.pathname}${link.search}`);
    await expect.poll(() => reset.getByLabel(c.reset.password).count()).toBe(1);
    await screen(reset, "reset complete");
    // A password the policy refuses: the one rule it broke, in the language (not the whole policy).
    await reset.getByLabel(c.reset.password).fill(email);
    await button(reset, c.reset.submit).click();
    await expect.poll(() => reset.locator("[role=alert]").first().textContent()).toBe(c.passwordRules.same_as_email);
    await reset.getByLabel(c.reset.password).fill("ada new password 2");
    await button(reset, c.reset.submit).click();
    await expect.poll(() => reset.getByTestId("username").textContent()).toBe(`ada-${lang}`);
    // Regression: the address shows as user.me has it (confirmed), not as a reset's answer left it.
    await expect.poll(() => reset.getByTestId("email").textContent()).toBe(`${email} (${c.profile.confirmed})`);
    await screen(reset, "account settings");
    // Dates in the language's digits (Intl): the sessions' "signed in …" line.
    const sessions = reset.getByRole("list", { name: c.sessions.list });
    expect(await sessions.textContent()).toMatch(lang === "fa" ? /[۰-۹]/ : /\d/);
    // Regression: the device in the language's words (the server names browser and system), not a raw
    // user-agent string, and not the server's English "on" on a Persian page.
    const on = c.sessions.deviceOn.replace("{{browser}}", "").replace("{{os}}", "Linux");
    expect(await sessions.textContent()).toContain(on);
    if (lang !== "en") expect(await sessions.textContent()).not.toContain(" on Linux");
    expect(await sessions.textContent()).not.toContain("Mozilla/");

    // Regression: saving the profile with the same address says "Saved." and mails nothing.
    const mailsBefore = mailbox.received.length;
    await button(reset, c.profile.edit).click();
    await screen(reset, "profile form");
    await reset.getByLabel(c.profile.firstName, { exact: true }).fill("Ada");
    await button(reset, c.profile.save).click();
    await expect.poll(() => reset.locator(".tg-account-settings > [role=status]").textContent()).toBe(c.profile.saved);
    expect(mailbox.received.length).toBe(mailsBefore);

    // Change password: the current one wrong, then right.
    await reset.getByLabel(c.password.current).fill("wrong");
    await reset.getByLabel(c.password.new).fill("ada third password 3");
    await button(reset, c.password.submit).click();
    await expect
      .poll(() => reset.locator(".tg-form-change-password [role=alert]").textContent())
      .toBe(c.errors.CURRENT_PASSWORD_WRONG);
    await reset.getByLabel(c.password.current).fill("ada new password 2");
    await button(reset, c.password.submit).click();
    await expect.poll(() => reset.locator(".tg-account-settings > [role=status]").textContent()).toBe(c.password.done);

    // The user button's menu.
    await reset.locator(".tg-user-toggle").click();
    await expect.poll(() => reset.locator(".tg-menu").isVisible()).toBe(true);
    await screen(reset, "user button menu");
    await reset.keyboard.press("Escape");
    await expect.poll(() => reset.locator(".tg-menu").isHidden()).toBe(true);
    await page.context().close();
    await reset.context().close();
  });

  it("two-step sign-in: set up with the QR code, recovery codes, the second step, then the step-up prompt", async () => {
    const username = `tara-${lang}`;
    await server.createUser({ username, password: "tara password 1" });
    const page = await open();
    await signIn(page, username, "tara password 1");
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);

    await button(page, c.twoStep.setUp).click();
    await screen(page, "two-step password");
    await page.getByLabel(c.twoStep.password).fill("tara password 1");
    await button(page, c.twoStep.continue).click();
    await expect.poll(() => page.getByTestId("totp-secret").count()).toBe(1);
    expect(await page.getByAltText(c.twoStep.qrAlt).isVisible()).toBe(true);
    await screen(page, "two-step QR code");
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    await page.getByLabel(c.twoStep.code).fill(totpCodeAt(secret, clock.now()));
    await button(page, c.twoStep.enable).click();
    const codes = page.getByRole("list", { name: c.twoStep.recoveryTitle });
    await expect.poll(() => codes.locator("li").count()).toBe(10);
    await screen(page, "recovery codes");
    await button(page, c.twoStep.recoverySaved).click();
    const first = await codes.locator("li").allTextContents();
    await expect
      .poll(() => page.getByTestId("mfa-status").textContent())
      .toBe(c.twoStep.on.replace("{{count}}", lang === "fa" ? "۱۰" : "10"));

    // New recovery codes: the password and a fresh code from the app; the old ones are gone.
    await button(page, c.twoStep.regenerate).click();
    await screen(page, "new recovery codes form");
    clock.advance(30);
    await page.getByLabel(c.twoStep.password).fill("tara password 1");
    await page.getByLabel(c.twoStep.code).fill(totpCodeAt(secret, clock.now()));
    await button(page, c.twoStep.regenerateSubmit).click();
    await expect.poll(() => codes.locator("li").count()).toBe(10);
    expect(await codes.locator("li").allTextContents()).not.toContain(first[0]);
    await button(page, c.twoStep.recoverySaved).click();
    await button(page, c.twoStep.disable).click();
    await screen(page, "turn off two-step form");
    await button(page, c.common.back).click();

    await button(page, c.account.signOut).click();
    await signIn(page, username, "tara password 1");
    await expect.poll(() => page.getByLabel(c.secondFactor.code).count()).toBe(1);
    await screen(page, "second factor");
    clock.advance(30);
    await page.getByLabel(c.secondFactor.code).fill(totpCodeAt(secret, clock.now()));
    await button(page, c.secondFactor.submit).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);

    // Sign out everywhere after STEP_UP_MAX_AGE: the prompt asks for the password (or a code) first.
    clock.advance(STEP_UP_MAX_AGE + 1);
    await button(page, c.sessions.everywhere).click();
    await expect.poll(() => page.getByLabel(c.stepUp.password).count()).toBe(1);
    await screen(page, "step-up prompt");
    await page.getByLabel(c.stepUp.password).fill("not it");
    await button(page, c.stepUp.submit).click();
    await expect
      .poll(() => page.locator(".tg-form-step-up [role=alert]").textContent())
      .toBe(c.errors.CURRENT_PASSWORD_WRONG);
    await page.getByLabel(c.stepUp.password).fill("tara password 1");
    await button(page, c.stepUp.submit).click();
    await expect.poll(() => page.getByLabel(c.signIn.username, { exact: true }).count()).toBe(1);
    await page.context().close();
  });

  it("sign-up, the unconfirmed address, the confirmation mail sent again and its link", async () => {
    const email = `new-${lang}@example.com`;
    const page = await open();
    await button(page, c.signIn.createAccount).click();
    await expect.poll(() => page.getByLabel(c.signUp.username).count()).toBe(1);
    await screen(page, "sign-up");
    await page.getByLabel(c.signUp.username).fill(`new-${lang}`);
    await page.getByLabel(c.common.email).fill(email);
    await page.getByLabel(c.signUp.password).fill("a fine new password");
    await button(page, c.signUp.submit).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(`new-${lang}`);
    await mailbox.nextMail(email);
    await button(page, c.profile.resend).click();
    await expect
      .poll(() => page.locator(".tg-account-settings > [role=status]").textContent())
      .toBe(c.profile.resent.replace("{{email}}", email));
    const resent = await mailbox.nextMail(email);
    const link = new URL(resent.link ?? "");
    const verify = await open(`${link.pathname}${link.search}`);
    await expect.poll(() => verify.getByRole("status").textContent()).toBe(c.verify.done);
    await screen(verify, "verify email");
    await button(verify, c.verify.continue).click();
    await expect.poll(() => verify.getByLabel(c.signIn.username, { exact: true }).count()).toBe(1);
    // The signed-in tab, loaded again, shows the address confirmed.
    await page.reload();
    await expect.poll(() => page.getByTestId("email").textContent()).toBe(`${email} (${c.profile.confirmed})`);
    await page.context().close();
    await verify.context().close();
  });
});
