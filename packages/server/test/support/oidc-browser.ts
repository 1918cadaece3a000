import { TestBrowser } from "./http-client.js";
import type { TestProvider } from "./oidc-provider.js";

/**
 * Signs in at the provider's login form as `login`, starting at the
 * provider's authorization URL: follows the provider's redirects, fills the
 * form, and returns where the provider sends the browser back (the callback
 * with `code` and `state`, or `error`). `abort`: the user cancels instead.
 */
export async function signInAtProvider(
  browser: TestBrowser,
  authorizationUrl: string,
  login: string,
  options: { readonly abort?: boolean } = {},
): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 10; step += 1) {
    if (!url.startsWith(browser.baseUrl)) return url;
    const page = await browser.navigate(url);
    if (page.location) {
      url = page.location;
      continue;
    }
    if (page.status !== 200) throw new Error(`the provider answered ${page.status}: ${page.body.slice(0, 300)}`);
    const uid = /\/interaction\/([\w-]+)/.exec(url)?.[1];
    if (!uid) throw new Error(`no interaction in ${url}`);
    // The form is the login or, the first time a test client asks, the consent.
    const prompt = /name="prompt" value="(\w+)"/.exec(page.body)?.[1];
    const form: Record<string, string> =
      prompt === "login" ? { prompt, login, password: "anything" } : { prompt: prompt ?? "consent" };
    const next = options.abort
      ? await browser.navigate(`/interaction/${uid}/abort`)
      : await browser.navigate(`/interaction/${uid}`, form);
    if (!next.location) throw new Error(`the provider's form answered ${next.status}: ${next.body.slice(0, 300)}`);
    url = next.location;
  }
  throw new Error("the provider redirected too many times");
}

/** A browser at the provider's origin. */
export function providerBrowser(provider: TestProvider): TestBrowser {
  return new TestBrowser(provider.issuer);
}
