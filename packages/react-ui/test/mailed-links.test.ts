import { fileURLToPath } from "node:url";
import { announceFirstRunSetup } from "@tollgate/server";
import { type Mailbox, startMailbox, startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { checkScreen, LANGUAGES, PHONE } from "./screen-checks.js";

const webRoot = fileURLToPath(new URL("page/dist", import.meta.url));
const CODE_MAIL = /Your sign-in code/;

/**
 * The links a server prints or mails, each followed in Chromium against a
 * real Tollgate (and SMTP): the first-run setup link (`<SignUp setupToken>`),
 * the two-step unlock link (`<UnlockSecondFactor>`) and an emailed code's
 * sign-in link (`<SignIn linkToken>`). Each works once; the second use says so.
 */
describe.each(LANGUAGES)("links from the server in $lang (headless Chromium, 360 px)", ({ lang, dir, c }) => {
  let server: TollgateTestServer;
  let mailbox: Mailbox;
  let browser: Browser;

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTollgate({ mailbox, config: { webRoot, emailCodeSignIn: true } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mailbox?.close();
  });

  async function open(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, locale: lang });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${url}${url.includes("?") ? "&" : "?"}lang=${lang}`);
    return page;
  }
  const screen = (page: Page, name: string) => checkScreen(page, `${lang} ${name}`, dir);
  const alert = (page: Page) => page.locator(".tg-error").filter({ hasText: /./ }).textContent();

  it("the setup link creates the first account (no address needed), once", async () => {
    const link = await announceFirstRunSetup(server.tollgate.services, server.url);
    if (!link) throw new Error("no setup link: a user exists already");
    const page = await open(link);
    const form = page.getByRole("form", { name: c.signUp.setupTitle });
    await expect.poll(() => form.isVisible()).toBe(true);
    expect(await form.textContent()).toContain(c.signUp.setupIntro);
    await screen(page, "setup");
    await form.getByLabel(c.signUp.username, { exact: true }).fill(`root-${lang}`);
    await form.getByLabel(c.signUp.password, { exact: true }).fill("the first passphrase");
    // The address is optional here: left empty, the form still submits.
    expect(await form.getByLabel(c.signUp.emailOptional, { exact: true }).getAttribute("required")).toBeNull();
    await form.getByRole("button", { name: c.signUp.setupSubmit, exact: true }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(`root-${lang}`);
    // The address bar no longer holds the token.
    expect(new URL(page.url()).searchParams.get("token")).toBeNull();

    const again = await open(link);
    const second = again.getByRole("form", { name: c.signUp.setupTitle });
    await second.getByLabel(c.signUp.username, { exact: true }).fill(`other-${lang}`);
    await second.getByLabel(c.signUp.password, { exact: true }).fill("another passphrase");
    await second.getByRole("button", { name: c.signUp.setupSubmit, exact: true }).click();
    await expect.poll(() => alert(again)).toBe(c.errors.LINK_INVALID);
    expect(await again.getByTestId("username").count()).toBe(0);
  });

  it("the unlock link unlocks two-step sign-in after too many wrong codes, once", async () => {
    const user = await server.createUser({ username: `una-${lang}`, password: "una password" });
    const { db } = server.database;
    await db
      .insertInto("user_totp")
      .values({ user_id: user.id, secret: "sealed", created_at: new Date(), enabled_at: new Date(), failed_codes: 10 })
      .execute();
    const token = await server.tollgate.services.tokens.issue(user.id, "mfa_unlock", null);
    const page = await open(`${server.url}/mfa-unlock?token=${token}`);
    await expect.poll(() => page.getByRole("status").textContent()).toBe(c.unlock.done);
    await screen(page, "unlock");
    const row = await db
      .selectFrom("user_totp")
      .select("failed_codes")
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    expect(Number(row?.failed_codes)).toBe(0);
    await page.getByRole("button", { name: c.unlock.continue, exact: true }).click();
    await expect.poll(() => page.getByLabel(c.signIn.username, { exact: true }).count()).toBe(1);

    const again = await open(`${server.url}/mfa-unlock?token=${token}`);
    await expect.poll(() => alert(again)).toBe(c.errors.LINK_INVALID);
  });

  it("an emailed code's link signs in, once; the second use says so on the sign-in form", async () => {
    const email = `mara-${lang}@example.org`;
    await server.createUser({ username: `mara-${lang}`, password: "mara password", email });
    const asked = await fetch(`${server.url}/trpc/auth.emailCode.request`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email }),
    });
    expect(asked.status).toBe(200);
    const mail = await mailbox.waitFor(email, CODE_MAIL);
    const path = new URL(mail.link ?? "").pathname;
    expect(path).toBe("/sign-in-link");
    const page = await open(mail.link ?? "");
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(`mara-${lang}`);
    await screen(page, "signed in by link");

    const again = await open(mail.link ?? "");
    await expect.poll(() => alert(again)).toBe(c.errors.EMAIL_CODE_INVALID);
    expect(await again.getByLabel(c.signIn.username, { exact: true }).count()).toBe(1);
  });
});
