import { fileURLToPath } from "node:url";
import { startTollgate, type TollgateTestServer } from "@tollgate/testing";
import type { Browser } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";

const configFile = fileURLToPath(new URL("../vite.config.ts", import.meta.url));

// The development setup (documentation, "Development"): the Tollgate server, and Vite serving the
// page and proxying /trpc to it, with this repository's vite.config.ts.
describe("development setup: Vite's dev server in front of Tollgate", () => {
  let server: TollgateTestServer;
  let vite: ViteDevServer;
  let browser: Browser;
  let pageUrl: string;

  beforeAll(async () => {
    server = await startTollgate();
    await server.createUser({ username: "dev", password: "dev password" });
    process.env.TOLLGATE_API_URL = server.url;
    try {
      vite = await createServer({ configFile, logLevel: "silent", server: { host: "127.0.0.1", port: 0 } });
    } finally {
      delete process.env.TOLLGATE_API_URL;
    }
    await vite.listen();
    const address = vite.httpServer?.address();
    if (!address || typeof address === "string") throw new Error("Vite is not listening on a port");
    pageUrl = `http://127.0.0.1:${address.port}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await server?.close();
  });

  it("signs in through the proxy: the server sees the page's Host beside its Origin", async () => {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.getByLabel("Username").fill("dev");
    await page.getByLabel("Password").fill("dev password");
    const login = page.waitForResponse((response) => new URL(response.url()).pathname === "/trpc/auth.login");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await login).status()).toBe(200);
    await expect.poll(() => page.getByTestId("username").textContent()).toBe("dev");
    await page.close();
  });
});
