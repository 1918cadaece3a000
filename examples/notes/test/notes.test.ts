import { once } from "node:events";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createClock, createTestDatabase, createTestUser, type TestDatabase, testConfig } from "@tollgate/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotesApp } from "../src/server/app.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
const ACCESS_TOKEN_TTL = 60;

describe("the notes example in headless Chromium", () => {
  const clock = createClock();
  let testDb: TestDatabase;
  let app: Awaited<ReturnType<typeof createNotesApp>>;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    app = await createNotesApp({
      config: testConfig({ webRoot, accessTokenTtl: ACCESS_TOKEN_TTL }),
      database,
      now: clock.now,
    });
    for (const [username, password] of [
      ["ada", "ada password"],
      ["bob", "bob password"],
    ] as const) {
      await createTestUser(app.tollgate.services, { username, password });
    }
    app.server.listen(0, "127.0.0.1");
    await once(app.server, "listening");
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => {
      app?.server.close(() => done());
      app?.server.closeAllConnections();
    });
    await app?.tollgate.close();
    await testDb?.drop();
  });

  async function signIn(context: BrowserContext, username: string, password: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel("Username", { exact: true }).fill(username);
    await page.getByLabel("Password", { exact: true }).fill(password);
    // Exact: the sign-in form also offers "Sign in with <provider>" links when providers are configured.
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByTestId("username").textContent()).toBe(username);
    return page;
  }

  async function addNote(page: Page, text: string): Promise<void> {
    await page.getByLabel("New note").fill(text);
    await page.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Notes" }).getByText(text).count()).toBe(1);
  }

  it("signs in, adds notes across an access-token expiry without noticing, deletes, signs out", async () => {
    const context = await browser.newContext();
    let refreshes = 0;
    context.on("request", (request) => {
      if (new URL(request.url()).pathname === "/trpc/auth.refresh") refreshes++;
    });
    const page = await signIn(context, "ada", "ada password");
    await addNote(page, "first note");

    // (Loading the page signed out tried one refresh already.) The token expires: one refresh, unnoticed.
    refreshes = 0;
    clock.advance(ACCESS_TOKEN_TTL + 1);
    await addNote(page, "after the token expired");
    expect(refreshes).toBe(1);
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);

    await page.getByRole("button", { name: "Delete first note" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Notes" }).getByText("first note").count()).toBe(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(1);
    await context.close();
  });

  it("shows each user only their own notes", async () => {
    const adaContext = await browser.newContext();
    const ada = await signIn(adaContext, "ada", "ada password");
    await addNote(ada, "ada's secret");
    const bobContext = await browser.newContext();
    const bob = await signIn(bobContext, "bob", "bob password");
    await addNote(bob, "bob's note");
    expect(await bob.getByText("ada's secret").count()).toBe(0);
    await adaContext.close();
    await bobContext.close();
  });
});
