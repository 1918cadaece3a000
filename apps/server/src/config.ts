import type { SameSite } from "@tollgate/auth";

/** Validated server configuration. Built from the environment by env.ts, or directly by tests. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** postgres:// URL; undefined means embedded SQLite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** Directory for the embedded database and generated secret; "memory://" keeps nothing. */
  readonly dataDir: string;
  readonly authSecret: string;
  readonly authSecretPrevious: readonly string[];
  /** This server's own origin; undefined: derived from each request's Host. */
  readonly publicOrigin: string | undefined;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly sessionIdleTimeout: number;
  readonly refreshReuseGrace: number;
  readonly cookieSecure: boolean;
  readonly cookieDomain: string | undefined;
  readonly cookieSameSite: SameSite;
  readonly corsOrigins: readonly string[];
  readonly initialUsername: string | undefined;
  readonly initialPassword: string | undefined;
  readonly loginMaxFailures: number;
  readonly loginWindow: number;
  readonly redisUrl: string | undefined;
  readonly trustProxy: boolean;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Directory of the built demo page, served at /; undefined: none. */
  readonly webRoot: string | undefined;
}

export const REFRESH_PATH = "/trpc/auth.refresh";
export const TOKEN_ISSUER = "tollgate";
export const TOKEN_AUDIENCE = "tollgate";
