import { fileURLToPath } from "node:url";
import { createClock, startTestServer, type TestServer } from "@tollgate/server/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));

describe("demo page in headless Chromium", () => {
  const clock = createClock();
  let server: TestServer;
  let browser: Browser;
  const refreshCounts = new WeakMap<BrowserContext, { count: number }>();

  beforeAll(async () => {
    server = await startTestServer("sqlite", { clock, config: { webRoot } });
    await server.createUser("nina", "nina password", { firstName: "Nina", lastName: "Simone" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext();
    const counter = { count: 0 };
    refreshCounts.set(context, counter);
    context.on("request", (request) => {
      if (new URL(request.url()).pathname === "/trpc/auth.refresh") counter.count++;
    });
    return context;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(server.url);
    await page.getByLabel("Username").fill("nina");
    await page.getByLabel("Password").fill("nina password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("nina");
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
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid username or password");
    await context.close();
  });

  it("Reload profile after the access token expired refreshes silently", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page);
    const before = refreshCounts.get(context)?.count ?? 0;
    clock.advance(901);
    await page.getByRole("button", { name: "Reload profile" }).click();
    await expect.poll(() => refreshCounts.get(context)?.count).toBe(before + 1);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("nina");
    expect(await page.locator("#sign-in").isHidden()).toBe(true);
    await context.close();
  });

  /** Two tabs of one browser, both signed in. */
  async function twoTabs(): Promise<{ context: BrowserContext; first: Page; second: Page }> {
    const context = await newContext();
    const first = await context.newPage();
    await signIn(first);
    const second = await context.newPage();
    await second.goto(server.url);
    await expect.poll(() => second.getByTestId("username").textContent()).toBe("nina");
    return { context, first, second };
  }

  it("two tabs with an expired token make one refresh in total", async () => {
    const { context, first, second } = await twoTabs();
    const before = refreshCounts.get(context)?.count ?? 0;
    clock.advance(901);
    await Promise.all([
      first.getByRole("button", { name: "Reload profile" }).click(),
      second.getByRole("button", { name: "Reload profile" }).click(),
    ]);
    await expect.poll(() => first.locator("#profile-loaded").getAttribute("datetime")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(refreshCounts.get(context)?.count).toBe(before + 1);
    expect(await first.getByTestId("username").textContent()).toBe("nina");
    expect(await second.getByTestId("username").textContent()).toBe("nina");
    await context.close();
  });

  it("signing out in one tab signs the other out", async () => {
    const { context, first, second } = await twoTabs();
    await first.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => first.locator("#sign-in").isVisible()).toBe(true);
    await expect.poll(() => second.locator("#sign-in").isVisible()).toBe(true);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("access_token");
    await context.close();
  });

  it("lists sessions and signs another one out from the list", async () => {
    const laptop = await newContext();
    const phone = await newContext();
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    await signIn(phonePage);
    await signIn(laptopPage);
    const items = laptopPage.locator("#sessions li");
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
    const others = laptopPage.getByRole("button", { name: /^Sign out session on (?!.*this device)/ });
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(1);
    await others.first().click();
    await expect.poll(() => laptopPage.locator("#sessions li.ended").count()).toBeGreaterThanOrEqual(1);
    // The laptop is still signed in; "Sign out everywhere" ends the rest.
    expect(await laptopPage.getByTestId("username").textContent()).toBe("nina");
    await laptopPage.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect.poll(() => laptopPage.locator("#sign-in").isVisible()).toBe(true);
    await laptop.close();
    await phone.close();
  });
});
