import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { announceFirstRunSetup } from "@tollgate/server";
import { createClock, enrolTotp, startTollgate, type TestClock, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

// The account page's Administration section over a real server and Chromium:
// an administrator (made through the first-run setup link) searches, opens
// and acts on users; a stale proof asks "Confirm it is you" and carries on; a
// plain user never sees the section; axe-core passes it in English and Persian.

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
const ADMIN = { username: "root", password: "the admin's passphrase" };
/** The server's STEP_UP_MAX_AGE default, seconds. */
const STEP_UP_MAX_AGE = 300;
/** The contract's second for a revocation to reach every instance. */
const WITHIN_MS = 1000;

const WORDS = {
  en: { username: "Username", password: "Password", signIn: "Sign in", search: "Search", query: "Search users" },
  fa: { username: "نام کاربری", password: "گذرواژه", signIn: "ورود", search: "جست‌وجو", query: "جست‌وجوی کاربران" },
} as const;
type Language = keyof typeof WORDS;

describe("the Administration section of the account page (headless Chromium)", () => {
  let server: TollgateTestServer;
  let browser: Browser;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createClock();
    server = await startTollgate({ config: { webRoot }, clock });
    browser = await launchChromium();
    // The first account, made through the one-time setup link, is the administrator.
    const link = await announceFirstRunSetup(server.tollgate.services, server.url);
    if (!link) throw new Error("no setup link: a user exists already");
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByLabel("Choose a username").fill(ADMIN.username);
    await page.getByLabel("Choose a password (8 characters or more)").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create account" }).click();
    // (expect.poll belongs to tests: the locator's own wait here.)
    await page.getByTestId("username").getByText(ADMIN.username, { exact: true }).waitFor();
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedInPage(
    user: { username: string; password: string },
    language: Language = "en",
    width = 1280,
  ): Promise<Page> {
    const context = await browser.newContext({
      locale: language === "fa" ? "fa-IR" : "en-US",
      viewport: { width, height: 800 },
    });
    const page = await context.newPage();
    const words = WORDS[language];
    await page.goto(server.url);
    await page.getByLabel(words.username, { exact: true }).fill(user.username);
    await page.getByLabel(words.password, { exact: true }).fill(user.password);
    // auth.sessions is the last request of signing in: the Administration section is decided by then.
    const sessions = page.waitForResponse((r) => new URL(r.url()).pathname === "/trpc/auth.sessions");
    await page.getByRole("button", { name: words.signIn, exact: true }).click();
    expect((await sessions).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(user.username);
    return page;
  }

  async function openUser(page: Page, username: string, language: Language = "en"): Promise<void> {
    const admin = page.locator("#admin");
    await admin.getByLabel(WORDS[language].query).fill(username);
    await admin.getByRole("button", { name: WORDS[language].search, exact: true }).click();
    await admin.locator("#admin-results").getByRole("button", { name: username, exact: true }).click();
    await expect.poll(() => page.locator("#admin-user-heading").textContent()).toContain(username);
  }

  const status = (page: Page) => page.locator("#admin").getByRole("status").textContent();
  const isActive = async (id: string) => (await server.tollgate.services.users.findById(id))?.isActive;
  /** What the server answers the page's cookies in this context: 200, or 401 once signed out. */
  const sessionStatus = async (page: Page) => (await page.request.get(`${server.url}/trpc/auth.session`)).status();

  it("an administrator searches, opens, disables (the user's browser is signed out within a second), enables, resets TOTP and deletes", async () => {
    const bob = await server.createUser({ username: "bob", email: "bob@example.org" });
    const carol = await server.createUser({ username: "carol" });
    const bobPage = await signedInPage(bob);
    const page = await signedInPage(ADMIN);
    expect(await page.getByRole("heading", { name: "Administration" }).isVisible()).toBe(true);

    await openUser(page, "bob");
    const results = page.locator("#admin-results");
    expect(await results.locator("li").count()).toBe(1);
    expect(await results.locator(".meta").textContent()).toBe("bob@example.org · active");
    const panel = page.locator("#admin-user");
    expect(await panel.locator(".admin-sessions li").count()).toBe(1);
    expect(await panel.getByText("Second factors: none").isVisible()).toBe(true);
    expect(await panel.locator(".admin-activity").textContent()).toContain("Signed in");

    await panel.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => status(page)).toBe("bob is disabled; sessions ended: 1.");
    await expect.poll(() => sessionStatus(bobPage), { timeout: WITHIN_MS, interval: 50 }).toBe(401);
    await bobPage.reload();
    await expect.poll(() => bobPage.locator("#sign-in").isVisible()).toBe(true);
    expect(await isActive(bob.id)).toBe(false);
    await expect.poll(() => results.locator(".meta").textContent()).toBe("bob@example.org · disabled");
    expect(await panel.locator(".admin-sessions li").textContent()).toBe("No live session.");

    await panel.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => status(page)).toBe("bob may sign in again.");
    expect(await isActive(bob.id)).toBe(true);

    // Bob turns TOTP on, then loses his phone: the administrator resets it.
    await enrolTotp(await server.signIn(bob), bob.password, clock.now());
    await openUser(page, "bob");
    await expect
      .poll(() => panel.getByText(/^Second factors:/).textContent())
      .toBe("Second factors: authenticator app and recovery codes");
    await panel.getByRole("button", { name: "Reset second factors" }).click();
    await expect.poll(() => status(page)).toBe("bob: second factors reset; sessions ended: 1.");
    await expect.poll(() => panel.getByText(/^Second factors:/).textContent()).toBe("Second factors: none");
    const login = await server.client().login(bob.username, bob.password);
    expect(login.status).toBe(200);
    expect(login.body).not.toMatchObject({ result: { data: { mfaRequired: true } } });

    // Deleting asks in the page first; Cancel keeps the account.
    await openUser(page, "carol");
    await panel.getByRole("button", { name: "Delete", exact: true }).click();
    expect(await panel.getByText("Delete carol for good?", { exact: false }).isVisible()).toBe(true);
    await panel.getByRole("button", { name: "Cancel" }).click();
    expect(await server.tollgate.services.users.findById(carol.id)).toBeDefined();
    await panel.getByRole("button", { name: "Delete", exact: true }).click();
    await panel.getByRole("button", { name: "Delete for good" }).click();
    await expect.poll(() => status(page)).toBe("carol is deleted.");
    expect(await server.tollgate.services.users.findById(carol.id)).toBeUndefined();
    expect(await panel.isHidden()).toBe(true);
    await page.context().close();
    await bobPage.context().close();
  });

  it("past STEP_UP_MAX_AGE a disable asks 'Confirm it is you', then goes through; the administrator's own account refuses it", async () => {
    const dave = await server.createUser({ username: "dave" });
    const page = await signedInPage(ADMIN);
    await openUser(page, "dave");
    clock.advance(STEP_UP_MAX_AGE + 1);
    await page.locator("#admin-user").getByRole("button", { name: "Disable" }).click();
    const prompt = page.locator("#step-up");
    await expect.poll(() => prompt.getByRole("heading", { name: "Confirm it is you" }).isVisible()).toBe(true);
    expect(await isActive(dave.id)).toBe(true);
    await prompt.getByLabel("Password").fill(ADMIN.password);
    await prompt.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status(page)).toBe("dave is disabled; sessions ended: 0.");
    expect(await isActive(dave.id)).toBe(false);

    // The administrator's own account: the server's ADMIN_SELF_ACTION, in the page's words.
    await openUser(page, ADMIN.username);
    await page.locator("#admin-user").getByRole("button", { name: "Disable" }).click();
    await expect
      .poll(() => page.locator("#admin").getByRole("alert").textContent())
      .toBe("An administrator cannot do this to their own account: another administrator can");
    await page.context().close();
  });

  it("a search of more than a page: 'Show more' follows the cursor to the rest, then hides", async () => {
    for (let i = 0; i < 51; i++) await server.createUser({ username: `pager-${String(i).padStart(2, "0")}` });
    const page = await signedInPage(ADMIN);
    const admin = page.locator("#admin");
    await admin.getByLabel("Search users").fill("pager-");
    await admin.getByRole("button", { name: "Search", exact: true }).click();
    const items = admin.locator("#admin-results li");
    await expect.poll(() => items.count()).toBe(50);
    await admin.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => items.count()).toBe(51);
    expect(await items.last().getByRole("button").textContent()).toBe("pager-50");
    expect(await admin.getByRole("button", { name: "Show more" }).isHidden()).toBe(true);
    await page.context().close();
  });

  it("a user who is not an administrator sees no Administration section", async () => {
    const erin = await server.createUser({ username: "erin" });
    const page = await signedInPage(erin);
    expect(await page.locator("#admin").isHidden()).toBe(true);
    expect(await page.getByRole("heading", { name: "Administration" }).count()).toBe(0);
    expect(await page.locator("#admin").innerHTML()).toBe("");
    await page.context().close();
  });

  for (const language of ["en", "fa"] as const) {
    it(`${language}: axe-core finds no violations in the section with a user open; nothing scrolls sideways at 360 px`, async () => {
      const username = `frank-${language}`;
      await server.createUser({ username, email: `${username}@example.org`, emailVerified: false });
      const page = await signedInPage(ADMIN, language, 360);
      await openUser(page, username, language);
      await page.locator("#admin-user").locator('[data-action="active"]').click();
      await expect.poll(() => status(page)).not.toBe("");
      const results = await new AxeBuilder({ page }).include("#admin").analyze();
      expect(results.passes.length).toBeGreaterThan(5);
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual(
        [],
      );
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(sideways).toBeLessThanOrEqual(0);
      const heading = language === "fa" ? "مدیریت" : "Administration";
      expect(await page.locator("#admin").getByRole("heading", { level: 2 }).textContent()).toBe(heading);
      await page.context().close();
    });
  }
});
