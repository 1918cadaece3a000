import { fileURLToPath } from "node:url";
import { createClock, startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callsProcedure, launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

describe("demo page in headless Chromium", () => {
  const clock = createClock();
  let server: TollgateTestServer;
  let browser: Browser;
  /** Per browser context: refresh requests sent, and requests not yet answered. */
  const traffic = new WeakMap<BrowserContext, { refreshes: number; inFlight: number }>();

  beforeAll(async () => {
    server = await startTollgate({ clock, config: { webRoot } });
    await server.createUser({ username: "nina", password: "nina password", firstName: "Nina", lastName: "Simone" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext();
    const counts = { refreshes: 0, inFlight: 0 };
    traffic.set(context, counts);
    context.on("request", (request) => {
      counts.inFlight++;
      if (callsProcedure(request.url(), "auth.refresh")) counts.refreshes++;
    });
    const done = () => counts.inFlight--;
    context.on("requestfinished", done);
    context.on("requestfailed", done);
    return context;
  }

  function refreshesOf(context: BrowserContext): number {
    const counts = traffic.get(context);
    if (!counts) throw new Error("a context made without newContext()");
    return counts.refreshes;
  }

  /** Every request the context's pages sent has been answered. */
  async function networkIdle(context: BrowserContext): Promise<void> {
    await expect.poll(() => traffic.get(context)?.inFlight).toBe(0);
  }

  /**
   * Resolves with the answer to the page's next session list: asked (in one
   * batch with the account's other sections) once signing in or loading the
   * page has found the user, so after any refresh that needed.
   */
  function nextSessionList(page: Page): Promise<Response> {
    return page.waitForResponse((response) => callsProcedure(response.url(), "auth.sessions"));
  }

  /** The signed-out screen: the sign-in form, named by its heading. */
  const signInForm = (page: Page) => page.getByRole("form", { name: "Sign in" });

  async function signIn(page: Page, username = "nina", password = "nina password"): Promise<void> {
    await page.goto(server.url);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    const sessionList = nextSessionList(page);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    expect((await sessionList).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);
  }

  it("signs in, and page scripts never see a token", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page);
    const visible = await page.evaluate(() => document.cookie);
    const cookies = await context.cookies();
    const access = cookies.find((c) => c.name === "access_token");
    const refresh = cookies.find((c) => c.name === "refresh_token");
    expect(access?.httpOnly).toBe(true);
    expect(refresh?.httpOnly).toBe(true);
    expect(visible).not.toContain(access?.value);
    expect(visible).not.toContain("refresh_token");
    expect(visible).toMatch(/csrf_token=/);
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(storage).not.toContain(access?.value);
    await context.close();
  });

  it("refuses a wrong password with a clear message", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("nina");
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid username or password");
    await context.close();
  });

  it("after too many failed sign-ins shows the server's message, which says how long to wait", async () => {
    await server.createUser({ username: "rita", password: "rita password" });
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Username").fill("rita");
    const attempt = async (password: string) => {
      await page.getByLabel("Password").fill(password);
      await Promise.all([
        page.waitForResponse((response) => callsProcedure(response.url(), "auth.login")),
        page.getByRole("button", { name: "Sign in", exact: true }).click(),
      ]);
    };
    for (let i = 0; i < 5; i++) {
      await attempt(`wrong ${i}`);
      await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid username or password");
    }
    await attempt("rita password");
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/^Too many attempts; try again in \d+ s$/);
    await context.close();
  });

  it("reloading the page after the access token expired refreshes silently", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page);
    await networkIdle(context);
    const before = refreshesOf(context);
    clock.advance(901);
    const sessionList = nextSessionList(page);
    await page.reload();
    expect((await sessionList).status()).toBe(200);
    await networkIdle(context);
    expect(refreshesOf(context)).toBe(before + 1);
    expect(await page.getByTestId("username").textContent()).toBe("nina");
    expect(await signInForm(page).count()).toBe(0);
    await context.close();
  });

  /** Two tabs of one browser, both signed in. */
  async function twoTabs(): Promise<{ context: BrowserContext; first: Page; second: Page }> {
    const context = await newContext();
    const first = await context.newPage();
    await signIn(first);
    const second = await context.newPage();
    const sessionList = nextSessionList(second);
    await second.goto(server.url);
    expect((await sessionList).status()).toBe(200);
    await expect.poll(() => second.getByTestId("username").textContent()).toBe("nina");
    return { context, first, second };
  }

  it("two tabs with an expired token make one refresh in total", async () => {
    const { context, first, second } = await twoTabs();
    await networkIdle(context);
    const before = refreshesOf(context);
    clock.advance(901);
    const sessionLists = [nextSessionList(first), nextSessionList(second)];
    await Promise.all([first.reload(), second.reload()]);
    // Both tabs reloaded in full: whatever refresh either needed has been sent.
    expect((await Promise.all(sessionLists)).map((response) => response.status())).toEqual([200, 200]);
    await networkIdle(context);
    expect(refreshesOf(context)).toBe(before + 1);
    expect(await first.getByTestId("username").textContent()).toBe("nina");
    expect(await second.getByTestId("username").textContent()).toBe("nina");
    await context.close();
  });

  it("signing out in one tab signs the other out", async () => {
    const { context, first, second } = await twoTabs();
    await first.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => signInForm(first).isVisible()).toBe(true);
    await expect.poll(() => signInForm(second).isVisible()).toBe(true);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("access_token");
    await context.close();
  });

  it("asks to confirm it is you before signing out everywhere after STEP_UP_MAX_AGE, then does it", async () => {
    await server.createUser({ username: "pia", password: "pia password" });
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, "pia", "pia password");
    clock.advance(301); // past STEP_UP_MAX_AGE (300): the sign-in is no longer a recent proof
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    const prompt = page.getByRole("form", { name: "Confirm it is you" });
    await prompt.getByLabel("Your password").fill("not pia's password");
    await prompt.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => prompt.getByRole("alert").textContent()).toBe("The password is wrong");
    // Still signed in: the wrong password ended nothing.
    expect(await signInForm(page).count()).toBe(0);
    await prompt.getByLabel("Your password").fill("pia password");
    await prompt.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => signInForm(page).isVisible()).toBe(true);
    await context.close();
  });

  it("lists sessions and signs another one out from the list", async () => {
    // A user of its own: nina's sessions from the other tests would be listed too.
    await server.createUser({ username: "omar", password: "omar password" });
    const laptop = await newContext();
    const phone = await newContext();
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    await signIn(phonePage, "omar", "omar password");
    await signIn(laptopPage, "omar", "omar password");
    const sessions = laptopPage.getByRole("list", { name: "Sessions" }).getByRole("listitem");
    await expect.poll(() => sessions.count()).toBe(2);
    // Only another session has a button of its own (this one signs out with "Sign out").
    const others = laptopPage.getByRole("button", { name: /^Sign out the session on / });
    expect(await others.count()).toBe(1);
    await others.click();
    await expect.poll(() => sessions.filter({ hasText: "ended by you" }).count()).toBe(1);
    expect(await sessions.count()).toBe(2);
    expect(await others.count()).toBe(0);
    // The laptop is still signed in; "Sign out everywhere" ends the rest.
    expect(await laptopPage.getByTestId("username").textContent()).toBe("omar");
    await laptopPage.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect.poll(() => signInForm(laptopPage).isVisible()).toBe(true);
    await laptop.close();
    await phone.close();
  });
});
