import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callsProcedure, launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

/** The page's texts a test reads, per language (the catalogues' words). */
const WORDS = {
  en: {
    username: "Username",
    password: "Password",
    signIn: "Sign in",
    signInForm: "Sign in",
    signOut: "Sign out",
    activity: "Signed in",
    sessionList: "Sessions",
    activityList: "Recent activity",
  },
  fa: {
    username: "نام کاربری",
    password: "گذرواژه",
    signIn: "ورود",
    signInForm: "ورود",
    signOut: "خروج",
    activity: "ورود",
    sessionList: "نشست‌ها",
    activityList: "فعالیت‌های اخیر",
  },
} as const;
type Language = keyof typeof WORDS;

describe("the account page in English and Persian: direction, catalogue, Intl, axe-core (headless Chromium)", () => {
  let server: TollgateTestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTollgate({ config: { webRoot } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A browser whose preferred language is `locale` (navigator.languages, Accept-Language). */
  async function browserIn(locale: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
    return { context, page: await context.newPage() };
  }

  async function signIn(page: Page, language: Language, username: string, password: string): Promise<void> {
    const words = WORDS[language];
    await page.goto(server.url);
    await page.getByLabel(words.username, { exact: true }).fill(username);
    await page.getByLabel(words.password, { exact: true }).fill(password);
    const sessions = page.waitForResponse((r) => callsProcedure(r.url(), "auth.sessions"));
    await page.getByRole("button", { name: words.signIn, exact: true }).click();
    expect((await sessions).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);
  }

  /** The signed-out screen: the sign-in form, named by its heading. */
  const signInForm = (page: Page, language: Language) =>
    page.getByRole("form", { name: WORDS[language].signInForm, exact: true });
  const sessionCards = (page: Page, language: Language) =>
    page.getByRole("list", { name: WORDS[language].sessionList, exact: true }).getByRole("listitem");
  const activityEntries = (page: Page, language: Language) =>
    page.getByRole("list", { name: WORDS[language].activityList, exact: true }).getByRole("listitem");

  async function violations(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page }).analyze();
    // axe ran its rules on this page (an injection refused by the page's CSP would pass nothing).
    expect(results.passes.length).toBeGreaterThan(10);
    return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }

  async function noSidewaysScroll(page: Page): Promise<number> {
    return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }

  it("follows a Persian browser: <html lang=fa dir=rtl>, Persian labels, right-to-left layout, Persian digits", async () => {
    const user = await server.createUser();
    const { context, page } = await browserIn("fa-IR");
    await page.goto(server.url);
    await expect.poll(() => signInForm(page, "fa").isVisible()).toBe(true);
    expect(await page.locator("html").getAttribute("lang")).toBe("fa");
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(await page.title()).toBe("حساب شما");
    // Laid out right to left: the label's text starts at the form's right edge, far from its left one.
    const layout = await page.getByLabel(WORDS.fa.username, { exact: true }).evaluate((element) => {
      const field = element as HTMLInputElement;
      const text = document.createRange();
      text.selectNodeContents(field.labels?.[0] as Node);
      const label = text.getBoundingClientRect();
      const input = field.getBoundingClientRect();
      return { labelLeft: label.left, labelRight: label.right, inputLeft: input.left, inputRight: input.right };
    });
    expect(Math.abs(layout.labelRight - layout.inputRight)).toBeLessThan(2);
    expect(layout.labelLeft - layout.inputLeft).toBeGreaterThan((layout.inputRight - layout.inputLeft) / 2);
    // No English text left on the signed-out page.
    expect(await page.locator("main").textContent()).not.toMatch(/[A-Za-z]{3,}/);

    await signIn(page, "fa", user.username, user.password);
    expect(await page.getByRole("button", { name: WORDS.fa.signOut, exact: true }).isVisible()).toBe(true);
    const session = (await sessionCards(page, "fa").first().locator(".tg-meta").textContent()) ?? "";
    // Dates by Intl in Persian: Persian digits, no Latin ones.
    expect(session).toMatch(/[۰-۹]/);
    expect(session.replace(/127\.0\.0\.1/, "")).not.toMatch(/[0-9]/);
    await expect.poll(() => activityEntries(page, "fa").first().textContent()).toContain(WORDS.fa.activity);
    expect(await activityEntries(page, "fa").first().locator("time").textContent()).toMatch(/[۰-۹]/);
    await context.close();
  });

  it("an English browser (and one whose languages the page lacks) gets English, left to right", async () => {
    for (const locale of ["en-GB", "de-DE"]) {
      const { context, page } = await browserIn(locale);
      await page.goto(server.url);
      await expect.poll(() => signInForm(page, "en").isVisible()).toBe(true);
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
      expect(await page.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(1);
      await context.close();
    }
  });

  for (const language of ["en", "fa"] as const) {
    const locale = language === "fa" ? "fa-IR" : "en-US";

    it(`${language}: axe-core finds no violations signed out, signed in, and on the sign-in error`, async () => {
      const user = await server.createUser({ email: `${language}-axe@example.org`, firstName: "Ada" });
      const { context, page } = await browserIn(locale);
      await page.goto(server.url);
      await expect.poll(() => signInForm(page, language).isVisible()).toBe(true);
      expect(await violations(page)).toEqual([]);
      await page.getByLabel(WORDS[language].username, { exact: true }).fill(user.username);
      await page.getByLabel(WORDS[language].password, { exact: true }).fill("not the password");
      await page.getByRole("button", { name: WORDS[language].signIn, exact: true }).click();
      // The error is announced (role=alert).
      await expect.poll(() => page.getByRole("alert").isVisible()).toBe(true);
      expect(await violations(page)).toEqual([]);
      await signIn(page, language, user.username, user.password);
      await expect.poll(() => activityEntries(page, language).count()).toBeGreaterThan(0);
      expect(await violations(page)).toEqual([]);
      // Every input on the page has a label.
      const unlabelled = await page
        .locator("input")
        .evaluateAll((inputs) => inputs.filter((input) => (input as HTMLInputElement).labels?.length === 0).length);
      expect(unlabelled).toBe(0);
      await context.close();
    });

    it(`${language}: 360 px wide, signed out and signed in, nothing scrolls sideways`, async () => {
      const user = await server.createUser({ email: `${language}-narrow@example.org` });
      const { context, page } = await browserIn(locale, 360);
      await page.goto(server.url);
      await expect.poll(() => signInForm(page, language).isVisible()).toBe(true);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
      await signIn(page, language, user.username, user.password);
      await expect.poll(() => sessionCards(page, language).count()).toBeGreaterThan(0);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
      await context.close();
    });
  }

  it("keeps the English contract: Username, Password, Sign in; signed in, the username and Sign out", async () => {
    const user = await server.createUser({ username: "contract" });
    const { context, page } = await browserIn("en-US");
    await signIn(page, "en", user.username, user.password);
    expect(await page.getByTestId("username").textContent()).toBe("contract");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => signInForm(page, "en").isVisible()).toBe(true);
    await context.close();
  });
});
