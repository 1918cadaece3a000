import { fileURLToPath } from "node:url";
import {
  createClock,
  type Mailbox,
  startMailbox,
  startTollgate,
  type TestClock,
  type TollgateTestServer,
} from "@tollgate/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callsProcedure, launchChromium } from "./browser.js";

const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CONFIRM_MAIL = /Confirm your email address/;

/**
 * The defects the account page issue lists ("Seen on the page"), each shown
 * on the built page in headless Chromium against a real server and SMTP.
 */
describe("account page defects (headless Chromium)", () => {
  let smtp: Mailbox;
  let server: TollgateTestServer;
  let browser: Browser;
  let clock: TestClock;

  beforeAll(async () => {
    smtp = await startMailbox();
    clock = createClock();
    server = await startTollgate({
      clock,
      config: { webRoot },
      mailbox: smtp,
      tollgate: { mailRetry: { pollMs: 100 } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** What the page announces (role="status"): the non-empty notices, so a stale one shows up in the list. */
  const notices = async (page: Page) =>
    (await page.getByRole("status").allTextContents()).filter((text) => text.trim() !== "");
  const signInForm = (page: Page) => page.getByRole("form", { name: "Sign in" });
  const profile = (page: Page) => page.getByRole("region", { name: "Profile" });
  /** The profile's name as shown: the description of the term "Name". */
  const profileName = (page: Page) => profile(page).locator('dt:text-is("Name") + dd').textContent();
  const sessionCards = (page: Page) => page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
  /** The page's own date format (English), for a time the server's clock gave. */
  const shown = (page: Page, epochMs: number) =>
    page.evaluate(
      (ms) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(ms),
      epochMs,
    );

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(server.url);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    const sessions = page.waitForResponse((r) => callsProcedure(r.url(), "auth.sessions"));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    expect((await sessions).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);
  }

  async function fresh(options: { userAgent?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    return { context, page: await context.newPage() };
  }

  it("/favicon.ico is an image, and the page links it", async () => {
    const { context, page } = await fresh();
    const answer = await page.request.get(`${server.url}/favicon.ico`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-type"]).toMatch(/^image\//);
    expect((await answer.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // an ICO header
    await page.goto(server.url);
    expect(await page.locator('link[rel="icon"]').first().getAttribute("href")).toBe("/favicon.ico");
    await context.close();
  });

  it("shows none of the demo's leftovers", async () => {
    const user = await server.createUser();
    const { context, page } = await fresh();
    await page.goto(server.url);
    await expect.poll(() => signInForm(page).isVisible()).toBe(true);
    expect(await page.locator("body").textContent()).not.toContain("Cookie sessions through the typed client SDK");
    await signIn(page, user.username, user.password);
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).not.toContain("Profile loaded at");
    expect(text).not.toContain("Page scripts never see a token");
    expect(await page.getByRole("button", { name: "Reload profile" }).count()).toBe(0);
    await context.close();
  });

  it('clears a stale "You signed out." when a sign-in error shows', async () => {
    const user = await server.createUser();
    const { context, page } = await fresh();
    await signIn(page, user.username, user.password);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => notices(page)).toEqual(["You signed out."]);
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => signInForm(page).getByRole("alert").textContent()).toBe("Invalid username or password");
    expect(await notices(page)).toEqual([]);
    expect(await page.getByRole("alert").textContent()).toBe("Invalid username or password");
    await context.close();
  });

  it("names session devices instead of raw user agents, and the current session's last use moves", async () => {
    const user = await server.createUser();
    const { context, page } = await fresh({ userAgent: FIREFOX });
    const signedInAt = clock.now();
    await signIn(page, user.username, user.password);
    const card = sessionCards(page).first();
    expect(await card.locator(".tg-item-title").textContent()).toBe("This device · Firefox 140 on Linux");
    expect(await page.getByRole("list", { name: "Sessions" }).textContent()).not.toContain("Mozilla/5.0");
    expect(await card.textContent()).toContain(`last used ${await shown(page, signedInAt)}`);
    // Two minutes of use later (the access token still valid, so no refresh), the page is loaded again.
    clock.advance(120);
    const sessions = page.waitForResponse((r) => callsProcedure(r.url(), "auth.sessions"));
    await page.reload();
    await sessions;
    await expect
      .poll(() => sessionCards(page).first().textContent())
      .toContain(`last used ${await shown(page, clock.now())}`);
    await context.close();
  });

  it("saving the profile with the address unchanged says nothing of a mail, and mails nothing", async () => {
    const user = await server.createUser({ email: "ines@example.org" });
    const { context, page } = await fresh();
    await signIn(page, user.username, user.password);
    // A new address, pending until its link is followed: one confirmation mail.
    await page.getByRole("button", { name: "Edit profile" }).click();
    const edit = profile(page);
    await edit.getByLabel("Email address").fill("ines@example.net");
    await edit.getByLabel("Current password").fill(user.password);
    await edit.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => notices(page)).toEqual(["Saved. We mailed a confirmation link to ines@example.net."]);
    await smtp.waitFor("ines@example.net", CONFIRM_MAIL);
    // Then only the name: the address field still shows the confirmed one.
    await page.getByRole("button", { name: "Edit profile" }).click();
    expect(await edit.getByLabel("Email address").inputValue()).toBe("ines@example.org");
    await edit.getByLabel("First name").fill("Ines");
    await edit.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => notices(page)).toEqual(["Saved."]);
    expect(await profileName(page)).toBe("Ines");
    // The outbox is polled every 100 ms: a confirmation mail owed would be out by the next page load's answer.
    await page.reload();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(user.username);
    expect(smtp.matching("ines@example.net", CONFIRM_MAIL)).toHaveLength(1);
    await context.close();
  });

  it("after a password reset shows the address as confirmed, as user.me says", async () => {
    const user = await server.createUser({ email: "rosa@example.org" });
    const { context, page } = await fresh();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Forgot password?" }).click();
    const forgot = page.getByRole("form", { name: "Reset your password" });
    await forgot.getByLabel("Email address").fill("rosa@example.org");
    await forgot.getByRole("button", { name: "Send reset link" }).click();
    const reset = await smtp.waitFor("rosa@example.org", /Reset your password/);
    await page.goto(reset.link ?? "");
    const form = page.getByRole("form", { name: "Choose a new password" });
    await form.getByLabel("New password").fill("rosa's new passphrase");
    await form.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(user.username);
    const me = await page.evaluate(async () => {
      const answer = await fetch("/trpc/user.me");
      return ((await answer.json()) as { result: { data: { emailVerified: boolean } } }).result.data;
    });
    expect(me.emailVerified).toBe(true);
    await expect.poll(() => page.getByTestId("email").textContent()).toBe("rosa@example.org (confirmed)");
    await context.close();
  });

  it("resends the confirmation mail for an address not confirmed yet", async () => {
    const user = await server.createUser({ email: "tess@example.org", emailVerified: false });
    const { context, page } = await fresh();
    await signIn(page, user.username, user.password);
    expect(await page.getByTestId("email").textContent()).toBe("tess@example.org (not confirmed yet)");
    await page.getByRole("button", { name: "Send the confirmation mail again" }).click();
    await expect.poll(() => notices(page)).toEqual(["We mailed a new confirmation link to tess@example.org."]);
    const mail = await smtp.waitFor("tess@example.org", CONFIRM_MAIL);
    await page.goto(mail.link ?? "");
    // The link's own screen says how it went; "Continue" leads back to the account.
    await expect.poll(() => notices(page)).toEqual(["Your email address is confirmed."]);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("email").textContent()).toBe("tess@example.org (confirmed)");
    expect(await page.getByRole("button", { name: "Send the confirmation mail again" }).isVisible()).toBe(false);
    await context.close();
  });

  it("changes the password: the current one is checked, other sessions end, the new one signs in", async () => {
    const user = await server.createUser();
    const other = await fresh();
    await signIn(other.page, user.username, user.password);
    const { context, page } = await fresh();
    await signIn(page, user.username, user.password);
    // The form is part of the "Password" section (no button opens it).
    const form = page.getByRole("region", { name: "Password", exact: true });
    await form.getByLabel("Current password").fill("not the password");
    await form.getByLabel("New password").fill("a brand new passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toBe("The password is wrong");
    await form.getByLabel("Current password").fill(user.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => notices(page)).toEqual(["Your password was changed; your other sessions were signed out."]);
    expect(await page.getByTestId("username").textContent()).toBe(user.username);
    // The other browser's session and this one's old session: both ended by the change.
    await expect.poll(() => sessionCards(page).filter({ hasText: "ended by a password change" }).count()).toBe(2);
    // The other browser's session is over.
    await other.page.reload();
    await expect.poll(() => signInForm(other.page).isVisible()).toBe(true);
    await other.context.close();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    // Signed out before the page is loaded again: a navigation would cancel the sign-out request.
    await expect.poll(() => notices(page)).toEqual(["You signed out."]);
    await signIn(page, user.username, "a brand new passphrase");
    await context.close();
  });

  it("recent activity: newest first with device, network and date, paged with the cursor", async () => {
    const user = await server.createUser();
    // 21 sign-ins through the API (20 a page), then the page's own.
    for (let i = 0; i < 21; i++) {
      const answer = await fetch(`${server.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url, "user-agent": FIREFOX },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      expect(answer.status).toBe(200);
      clock.advance(1);
    }
    const { context, page } = await fresh();
    await signIn(page, user.username, user.password);
    const activity = page.getByRole("region", { name: "Recent activity" });
    const entries = activity.getByRole("list", { name: "Recent activity" }).getByRole("listitem");
    await expect.poll(() => entries.count()).toBe(20);
    // The page's own sign-in is newest: "Signed in", and this browser is a new device.
    const newestTwo = (await entries.locator(".tg-item-title").allTextContents()).slice(0, 2);
    expect(newestTwo.sort()).toEqual(["Signed in", "Signed in on a new device"]);
    const newest = entries.first();
    // The date in the page's format, stamped by the server's clock (the test's).
    const stamped = Date.parse((await newest.locator("time").getAttribute("datetime")) ?? "");
    expect(stamped).toBe(clock.now());
    expect(await newest.locator("time").textContent()).toBe(await shown(page, stamped));
    expect(await entries.nth(2).textContent()).toContain("Firefox 140 on Linux · 127.0.0.1");
    const times = await entries
      .locator("time")
      .evaluateAll((nodes) => nodes.map((node) => Date.parse(node.getAttribute("datetime") ?? "")));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Each API sign-in is a sign-in and a new device (no known-device cookie): 44 events, three pages.
    const more = activity.getByRole("button", { name: "Show more" });
    await more.click();
    await expect.poll(() => entries.count()).toBe(40);
    await more.click();
    await expect.poll(() => entries.count()).toBe(44);
    expect(await more.isVisible()).toBe(false);
    await context.close();
  });

  it("session cards fit 360 px: no sideways scrolling", async () => {
    const user = await server.createUser({ email: "a.rather.long.address.for.a.narrow.screen@example.org" });
    const wide = await fresh({ userAgent: FIREFOX });
    await signIn(wide.page, user.username, user.password);
    const { context, page } = await fresh({ userAgent: FIREFOX });
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, user.username, user.password);
    await expect.poll(() => sessionCards(page).count()).toBe(2);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await wide.context.close();
    await context.close();
  });
});
