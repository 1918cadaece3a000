import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Configuration } from "oidc-provider";
import type { OidcProviderSettings } from "../../src/oidc-config.js";

/** What the test provider says about an account (its login at the provider's form is `sub`). */
export interface ProviderAccount {
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly preferred_username?: string;
}

export const PROVIDER_CLIENT = { id: "tollgate", secret: "tollgate-client-secret-of-the-test" };
/** A second client at the same provider: its ID tokens are for another audience. */
export const OTHER_CLIENT = { id: "other-app", secret: "other-app-client-secret-of-the-test" };
export const OTHER_REDIRECT = "http://127.0.0.1/other/callback";

export interface TestProvider {
  /** The issuer (the proxy in front of the provider). */
  readonly issuer: string;
  readonly accounts: Map<string, ProviderAccount>;
  /** Settings for Tollgate's config.oidcProviders, under `name`. */
  settings(name: string): OidcProviderSettings;
  /**
   * The next token response to Tollgate's client gets this ID token instead
   * of its own (an attacker who substitutes a token, or a provider gone wrong).
   */
  substituteNextIdToken(idToken: string): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A real OpenID provider (panva's oidc-provider) on a free port, with its
 * development login form (any login, any password: the login is the `sub`).
 * The test client is "native" so any loopback port is a valid redirect (RFC
 * 8252), as Tollgate's test server listens on a port it learns at start.
 * The consent form is answered as a user would (signInAtProvider).
 *
 * In front of it a plain forwarding proxy is the issuer: it passes every
 * request through untouched, unless a test asked it to substitute the ID
 * token of the next token response.
 */
export async function startTestProvider(): Promise<TestProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const inner = createServer();
  const proxy = createServer();
  const innerPort = await listen(inner);
  const issuer = `http://127.0.0.1:${await listen(proxy)}`;
  let substitute: string | undefined;

  // Keys of its own: the provider's development keys would be the same in every run (and it warns).
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const configuration: Configuration = {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test-provider", use: "sig", alg: "RS256" }] },
    clients: [
      {
        client_id: PROVIDER_CLIENT.id,
        client_secret: PROVIDER_CLIENT.secret,
        application_type: "native",
        redirect_uris: ["http://127.0.0.1/auth/oidc/test/callback"],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
      {
        client_id: OTHER_CLIENT.id,
        client_secret: OTHER_CLIENT.secret,
        application_type: "native",
        redirect_uris: [OTHER_REDIRECT],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["given_name", "family_name", "preferred_username"],
    },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, ...accounts.get(sub) };
        },
      };
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["a test provider's cookie key, not secret"] },
    pkce: { required: () => true },
  };
  const provider = new Provider(issuer, configuration);
  inner.on("request", provider.callback());

  proxy.on("request", (req, res) => {
    const upstream = httpRequest(
      { host: "127.0.0.1", port: innerPort, method: req.method, path: req.url, headers: req.headers },
      async (answer) => {
        const tampering = substitute !== undefined && req.url === "/token" && answer.statusCode === 200;
        if (!tampering) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const body = JSON.parse((await readAll(answer)).toString("utf8")) as Record<string, unknown>;
        body.id_token = substitute;
        substitute = undefined;
        const text = JSON.stringify(body);
        res.writeHead(200, { ...answer.headers, "content-length": Buffer.byteLength(text) });
        res.end(text);
      },
    );
    req.pipe(upstream);
  });

  return {
    issuer,
    accounts,
    settings(name) {
      return {
        name,
        label: "Test ID",
        protocol: "oidc",
        issuer,
        clientId: PROVIDER_CLIENT.id,
        clientSecret: PROVIDER_CLIENT.secret,
        scopes: ["openid", "email", "profile"],
      };
    },
    substituteNextIdToken(idToken) {
      substitute = idToken;
    },
    async close() {
      proxy.closeAllConnections();
      inner.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => proxy.close(resolve)),
        new Promise((resolve) => inner.close(resolve)),
      ]);
    },
  };
}
