import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { announceFirstRunSetup } from "@tollgate/server";
import { createClock, enrolTotp, startTollgate, type TestClock, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, Page, Response } from "playwright-core";
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
  en: {
    username: "Username",
    password: "Password",
    signIn: "Sign in",
    heading: "Administration",
    search: "Search",
    query: "Search users",
    results: "Users found",
    disable: "Disable",
    delete: "Delete",
    deleteForGood: "Delete for good",
  },
  fa: {
    username: "نام کاربری",
    password: "گذرواژه",
    signIn: "ورود",
    heading: "مدیریت",
    search: "جست‌وجو",
    query: "جست‌وجوی کاربران",
    results: "کاربران یافته‌شده",
    disable: "غیرفعال کردن",
    delete: "حذف",
    deleteForGood: "حذف برای همیشه",
  },
} as const;
type Language = keyof typeof WORDS;

/** The procedures one request to /trpc carries (a batch names several, comma-separated). */
const procedures = (response: Response): string[] =>
  decodeURIComponent(new URL(response.url()).pathname)
    .replace(/^\/trpc\//, "")
    .split(",");

/** The Administration section: a region named by its heading. */
const adminSection = (page: Page, language: Language = "en") =>
  page.getByRole("region", { name: WORDS[language].heading, exact: true });
/** The open user, inside it: the one region the section holds, named "User <name>". */
const userPanel = (page: Page, language: Language = "en") => adminSection(page, language).getByRole("region");
const resultList = (page: Page, language: Language = "en") =>
  adminSection(page, language).getByRole("list", { name: WORDS[language].results, exact: true });

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

  /** Signed in as `user`; `access` is the answer to admin.access, the call that decides the section. */
  async function signIn(
    user: { username: string; password: string },
    language: Language = "en",
    width = 1280,
  ): Promise<{ page: Page; access: Response }> {
    const context = await browser.newContext({
      locale: language === "fa" ? "fa-IR" : "en-US",
      viewport: { width, height: 800 },
    });
    const page = await context.newPage();
    const words = WORDS[language];
    await page.goto(server.url);
    await page.getByLabel(words.username, { exact: true }).fill(user.username);
    await page.getByLabel(words.password, { exact: true }).fill(user.password);
    // Signed in, the page asks admin.access (alone or in a batch): its answer decides the Administration section.
    const access = page.waitForResponse((r) => procedures(r).includes("admin.access"));
    await page.getByRole("button", { name: words.signIn, exact: true }).click();
    expect((await access).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(user.username);
    return { page, access: await access };
  }

  async function signedInPage(
    user: { username: string; password: string },
    language: Language = "en",
    width = 1280,
  ): Promise<Page> {
    return (await signIn(user, language, width)).page;
  }

  async function openUser(page: Page, username: string, language: Language = "en"): Promise<void> {
    const admin = adminSection(page, language);
    await admin.getByLabel(WORDS[language].query, { exact: true }).fill(username);
    await admin.getByRole("button", { name: WORDS[language].search, exact: true }).click();
    await resultList(page, language).getByRole("button", { name: username, exact: true }).click();
    const heading = userPanel(page, language).getByRole("heading", { level: 3 });
    await expect.poll(() => heading.textContent()).toContain(username);
    // Keyboard and screen-reader users land on what they opened.
    await expect.poll(() => heading.evaluate((node) => node === document.activeElement)).toBe(true);
  }

  const status = (page: Page) => adminSection(page).getByRole("status").textContent();
  const isActive = async (id: string) => (await server.tollgate.services.users.findById(id))?.isActive;
  /** What the server answers the page's cookies in this context: 200, or 401 once signed out. */
  const sessionStatus = async (page: Page) => (await page.request.get(`${server.url}/trpc/auth.session`)).status();

  it("an administrator searches, opens, disables (the user's browser is signed out within a second), enables, resets TOTP and deletes", async () => {
    const bob = await server.createUser({ username: "bob", email: "bob@example.org" });
    const carol = await server.createUser({ username: "carol" });
    const bobPage = await signedInPage(bob);
    const page = await signedInPage(ADMIN);
    await expect.poll(() => page.getByRole("heading", { name: "Administration" }).isVisible()).toBe(true);

    await openUser(page, "bob");
    const results = resultList(page);
    expect(await results.getByRole("listitem").count()).toBe(1);
    expect(await results.locator(".tg-meta").textContent()).toBe("bob@example.org · active");
    const panel = userPanel(page);
    const sessions = panel.getByRole("list", { name: "Live sessions", exact: true }).getByRole("listitem");
    expect(await sessions.count()).toBe(1);
    expect(await panel.getByText("Second factors: none").isVisible()).toBe(true);
    expect(await panel.getByRole("list", { name: "Activity", exact: true }).textContent()).toContain("Signed in");

    await panel.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => status(page)).toBe("bob is disabled; sessions ended: 1.");
    // Shown again after the action, focus is back on its button (now "Enable").
    const enable = panel.getByRole("button", { name: "Enable", exact: true });
    expect(await enable.evaluate((node) => node === document.activeElement)).toBe(true);
    await expect.poll(() => sessionStatus(bobPage), { timeout: WITHIN_MS, interval: 50 }).toBe(401);
    await bobPage.reload();
    await expect.poll(() => bobPage.getByRole("form", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect(await isActive(bob.id)).toBe(false);
    await expect.poll(() => results.locator(".tg-meta").textContent()).toBe("bob@example.org · disabled");
    expect(await sessions.textContent()).toBe("No live session.");

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
    await userPanel(page).getByRole("button", { name: "Disable" }).click();
    const prompt = adminSection(page).getByRole("form", { name: "Confirm it is you" });
    await expect.poll(() => prompt.getByRole("heading", { name: "Confirm it is you" }).isVisible()).toBe(true);
    expect(await isActive(dave.id)).toBe(true);
    await prompt.getByLabel("Password").fill(ADMIN.password);
    await prompt.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status(page)).toBe("dave is disabled; sessions ended: 0.");
    expect(await isActive(dave.id)).toBe(false);

    // The administrator's own account: the server's ADMIN_SELF_ACTION, in the page's words.
    await openUser(page, ADMIN.username);
    await userPanel(page).getByRole("button", { name: "Disable" }).click();
    await expect
      .poll(() => adminSection(page).getByRole("alert").textContent())
      .toBe("An administrator cannot do this to their own account: another administrator can");
    await page.context().close();
  });

  it("a search of more than a page: 'Show more' follows the cursor to the rest, then hides", async () => {
    for (let i = 0; i < 51; i++) await server.createUser({ username: `pager-${String(i).padStart(2, "0")}` });
    const page = await signedInPage(ADMIN);
    const admin = adminSection(page);
    await admin.getByLabel("Search users").fill("pager-");
    await admin.getByRole("button", { name: "Search", exact: true }).click();
    const items = resultList(page).getByRole("listitem");
    await expect.poll(() => items.count()).toBe(50);
    await admin.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => items.count()).toBe(51);
    expect(await items.last().getByRole("button").textContent()).toBe("pager-50");
    expect(await admin.getByRole("button", { name: "Show more" }).isHidden()).toBe(true);
    await page.context().close();
  });

  it("a user who is not an administrator sees no Administration section", async () => {
    const erin = await server.createUser({ username: "erin" });
    const { page, access } = await signIn(erin);
    // The server said no: the section's answer is in (and every call the page made with it, a batch).
    const answers = (await access.json()) as unknown;
    const answer = Array.isArray(answers) ? answers[procedures(access).indexOf("admin.access")] : answers;
    expect(answer).toEqual({ result: { data: { admin: false } } });
    // Drawn after that answer: the settings' list of sessions, from auth.sessions (asked with admin.access).
    await expect
      .poll(() => page.getByRole("list", { name: "Sessions", exact: true }).getByRole("listitem").count())
      .toBe(1);
    // Nothing of the section at all: no region, no heading, no search field.
    expect(await adminSection(page).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Administration" }).count()).toBe(0);
    expect(await page.getByLabel("Search users").count()).toBe(0);
    expect(await page.locator(".tg-admin").count()).toBe(0);
    await page.context().close();
  });

  for (const language of ["en", "fa"] as const) {
    it(`${language}: axe-core finds no violations in the section with a user open; nothing scrolls sideways at 360 px`, async () => {
      const username = `frank-${language}`;
      await server.createUser({ username, email: `${username}@example.org`, emailVerified: false });
      const page = await signedInPage(ADMIN, language, 360);
      await openUser(page, username, language);
      await userPanel(page, language).getByRole("button", { name: WORDS[language].disable, exact: true }).click();
      await expect.poll(() => adminSection(page, language).getByRole("status").textContent()).not.toBe("");
      // The delete confirmation open too: its button is in the danger colour, and its contrast is checked below.
      const panel = userPanel(page, language);
      await panel.getByRole("button", { name: WORDS[language].delete, exact: true }).click();
      const forGood = panel.getByRole("button", { name: WORDS[language].deleteForGood });
      expect(await forGood.getAttribute("class")).toContain("tg-danger");
      // .tg-admin: the section's root (a region named by its heading), as react-ui names its components' roots.
      const results = await new AxeBuilder({ page }).include(".tg-admin").analyze();
      expect(results.passes.length).toBeGreaterThan(5);
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual(
        [],
      );
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(sideways).toBeLessThanOrEqual(0);
      const heading = language === "fa" ? "مدیریت" : "Administration";
      expect(await adminSection(page, language).getByRole("heading", { level: 2 }).textContent()).toBe(heading);
      await page.context().close();
    });
  }
});
