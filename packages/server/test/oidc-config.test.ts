import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";
import { createTollgate } from "../src/index.js";
import { testConfig } from "./support/index.js";

// OIDC_PROVIDERS and each provider's variables: presets, one clear line for a
// provider missing its settings, and one line when discovery fails at start.

function errorLine(env: Record<string, string>): string {
  try {
    parseConfig({ DATA_DIR: "memory://", ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const CLIENT = { CLIENT_ID: "id", CLIENT_SECRET: "secret" };
function provider(name: string, variables: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [`OIDC_${name}_${key}`, value]));
}

describe("OpenID provider configuration", () => {
  it("none by default", () => {
    expect(parseConfig({ DATA_DIR: "memory://" }).oidcProviders).toEqual([]);
  });

  it("presets: google and microsoft (with its tenant) by name, github as plain OAuth 2; a generic issuer", () => {
    const config = parseConfig({
      DATA_DIR: "memory://",
      OIDC_PROVIDERS: "google, Work,github,corp",
      ...provider("GOOGLE", CLIENT),
      ...provider("WORK", { ...CLIENT, PRESET: "microsoft", TENANT: "contoso.onmicrosoft.com" }),
      ...provider("GITHUB", CLIENT),
      ...provider("CORP", { ...CLIENT, ISSUER: "https://id.corp.example", SCOPES: "openid email", LABEL: "Corp SSO" }),
    });
    expect(config.oidcProviders).toEqual([
      expect.objectContaining({
        name: "google",
        label: "Google",
        protocol: "oidc",
        issuer: "https://accounts.google.com",
      }),
      expect.objectContaining({
        name: "work",
        label: "Microsoft",
        issuer: "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0",
      }),
      expect.objectContaining({ name: "github", label: "GitHub", protocol: "github", issuer: undefined }),
      expect.objectContaining({ name: "corp", label: "Corp SSO", scopes: ["openid", "email"], clientId: "id" }),
    ]);
  });

  it("one line naming the variable a provider lacks", () => {
    expect(errorLine({ OIDC_PROVIDERS: "google", ...provider("GOOGLE", { CLIENT_ID: "id" }) })).toBe(
      "Invalid configuration: OIDC_GOOGLE_CLIENT_SECRET is required for provider google",
    );
    expect(errorLine({ OIDC_PROVIDERS: "corp", ...provider("CORP", CLIENT) })).toBe(
      "Invalid configuration: OIDC_CORP_ISSUER is required for provider corp (or OIDC_CORP_PRESET=google, microsoft or github)",
    );
    expect(errorLine({ OIDC_PROVIDERS: "microsoft", ...provider("MICROSOFT", CLIENT) })).toBe(
      "Invalid configuration: OIDC_MICROSOFT_TENANT is required for the microsoft preset (microsoft)",
    );
    expect(errorLine({ OIDC_PROVIDERS: "corp", ...provider("CORP", { ...CLIENT, ISSUER: "http://id.example" }) })).toBe(
      "Invalid configuration: OIDC_CORP_ISSUER must be an https:// URL (http:// only for a loopback address)",
    );
    expect(errorLine({ OIDC_PROVIDERS: "a-b" })).toContain("OIDC_PROVIDERS");
    expect(errorLine({ OIDC_PROVIDERS: "google,google", ...provider("GOOGLE", CLIENT) })).toBe(
      "Invalid configuration: OIDC_PROVIDERS names google twice",
    );
  });

  it("a provider whose discovery fails stops the start with one line naming it", async () => {
    // A server that answers 404 to everything: no discovery document.
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const config = testConfig({
        oidcProviders: [
          {
            name: "broken",
            label: "Broken",
            protocol: "oidc",
            issuer,
            clientId: "id",
            clientSecret: "s",
            scopes: ["openid"],
          },
        ],
      });
      const failure = await createTollgate({ config }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(
        new RegExp(`^OpenID Connect provider broken: discovery at ${issuer} failed: .+$`),
      );
      expect(failure?.message).not.toContain("\n");
    } finally {
      server.close();
    }
  });
});
