import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MIN_SECRET_BYTES, normalizeOrigin } from "@tollgate/auth";
import { z } from "zod";
import type { ServerConfig } from "./config.js";
import { loadOrCreateSecret } from "./secret-file.js";

/** Bad configuration: the message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const seconds = (fallback: number) =>
  z.coerce.number().int("must be a whole number of seconds").positive("must be greater than 0").default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const origin = z.string().transform((value, ctx) => {
  try {
    return normalizeOrigin(value.trim());
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});
const secret = z
  .string()
  .refine((v) => Buffer.byteLength(v, "utf8") >= MIN_SECRET_BYTES, `must be at least ${MIN_SECRET_BYTES} bytes`);
const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  optional
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(item));

const schema = z
  .object({
    NODE_ENV: z.string().optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: optional.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
        .optional(),
    ),
    DATA_DIR: z.string().min(1).default("./.data"),
    AUTH_SECRET: optional.pipe(secret.optional()),
    AUTH_SECRET_PREVIOUS: list(secret),
    PUBLIC_ORIGIN: optional.pipe(origin.optional()),
    ACCESS_TOKEN_TTL: seconds(900),
    REFRESH_TOKEN_TTL: seconds(2_592_000),
    SESSION_IDLE_TIMEOUT: seconds(604_800),
    REFRESH_REUSE_GRACE: z.coerce.number().int().min(0).max(300).default(10),
    COOKIE_SECURE: flag(false),
    COOKIE_DOMAIN: optional.pipe(
      z
        .string()
        .regex(
          /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
          "must be a domain name",
        )
        .optional(),
    ),
    COOKIE_SAMESITE: z
      .string()
      .default("lax")
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(["lax", "strict", "none"], { error: "must be lax, strict or none" })),
    CORS_ORIGINS: list(origin),
    INITIAL_USERNAME: optional.pipe(z.string().max(150).optional()),
    INITIAL_PASSWORD: optional.pipe(z.string().max(1024).optional()),
    LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
    LOGIN_WINDOW: seconds(900),
    REDIS_URL: optional.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, "must be a redis:// URL")
        .optional(),
    ),
    TRUST_PROXY: flag(false),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.COOKIE_SAMESITE === "none" && !env.COOKIE_SECURE) {
      ctx.addIssue({ code: "custom", path: ["COOKIE_SAMESITE"], message: "none requires COOKIE_SECURE=true" });
    }
    if (env.NODE_ENV === "production" && !env.AUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is required when NODE_ENV=production" });
    }
    if (Boolean(env.INITIAL_USERNAME) !== Boolean(env.INITIAL_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["INITIAL_PASSWORD"],
        message: "INITIAL_USERNAME and INITIAL_PASSWORD go together",
      });
    }
  });

export type Environment = Record<string, string | undefined>;

function defaultWebRoot(): string | undefined {
  const dist = fileURLToPath(new URL("../../web/dist", import.meta.url));
  return existsSync(dist) ? dist : undefined;
}

/** Parses `env` with `parser`, or throws ConfigError with one line naming the first bad variable. */
function parseEnv<T>(parser: z.ZodType<T>, env: Environment): T {
  const parsed = parser.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    `Invalid configuration: ${String(issue?.path[0] ?? "environment")} ${issue?.message ?? "is invalid"}`,
  );
}

/** Reads and validates the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: Environment = process.env): ServerConfig {
  const e = parseEnv(schema, env);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    authSecret: e.AUTH_SECRET ?? loadOrCreateSecret(e.DATA_DIR),
    authSecretPrevious: e.AUTH_SECRET_PREVIOUS,
    publicOrigin: e.PUBLIC_ORIGIN,
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    sessionIdleTimeout: e.SESSION_IDLE_TIMEOUT,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE,
    cookieSecure: e.COOKIE_SECURE,
    cookieDomain: e.COOKIE_DOMAIN,
    cookieSameSite: e.COOKIE_SAMESITE,
    corsOrigins: e.CORS_ORIGINS,
    initialUsername: e.INITIAL_USERNAME,
    initialPassword: e.INITIAL_PASSWORD,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindow: e.LOGIN_WINDOW,
    redisUrl: e.REDIS_URL,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    webRoot: defaultWebRoot(),
  };
}

export interface DatabaseConfig {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

const databaseSchema = z.object({
  DATABASE_URL: schema.shape.DATABASE_URL,
  DATA_DIR: schema.shape.DATA_DIR,
});

/** Only what the CLI needs: which database. */
export function loadDatabaseConfig(env: Environment = process.env): DatabaseConfig {
  const e = parseEnv(databaseSchema, env);
  return { databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR };
}
