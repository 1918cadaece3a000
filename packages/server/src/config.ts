import {
  type AsymmetricAlgorithm,
  MIN_SECRET_BYTES,
  normalizeOrigin,
  type PrivateJwk,
  usernameLookupForm,
  usernameRuleBroken,
  usernameRuleMessage,
} from "@tollgate/auth";
import { z } from "zod";
import { parseConfiguredJwks } from "./configured-jwks.js";
import { EVENT_TYPES, type TollgateEventType } from "./events/types.js";
import { type OidcProviderSettings, parseOidcProviders } from "./oidc-config.js";

/**
 * The server's configuration: one zod schema from environment variables to a
 * typed object. Parsing is pure (no files, no network); what needs the disk
 * (the generated secret, the web build) happens in the start step, start-config.ts.
 */

/** Bad configuration: the message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The variable the message names (undefined: the environment as a whole). */
  readonly variable: string | undefined;
  constructor(message: string, variable?: string) {
    super(message);
    this.variable = variable;
  }
}

export type Environment = Record<string, string | undefined>;

/** The refresh cookie is sent only to this path. */
export const REFRESH_PATH = "/trpc/auth.refresh";

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
const claim = z.string().min(1).max(256).default("tollgate");
/** A receiver of webhooks: https, or http to this machine only (development). */
const webhookUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    // Credentials in the URL would be refused by fetch and then written to the log with every failure.
    if (url.username || url.password) return false;
    return url.protocol === "https:" || (url.protocol === "http:" && loopback);
  } catch {
    return false;
  }
}, "must be an https:// URL (http:// only to localhost) without credentials in it");
/** Standard Webhooks' secret format: whsec_ and at least 24 random bytes in base64. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_ followed by base64 (e.g. whsec_$(openssl rand -base64 32))")
  .refine((v) => Buffer.from(v.slice("whsec_".length), "base64").length >= 24, "must hold at least 24 random bytes");

const variables = z
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
    TOKEN_ISSUER: claim,
    TOKEN_AUDIENCE: claim,
    ACCESS_TOKEN_TTL: seconds(900),
    ACCESS_TOKEN_ALG: z.enum(["HS256", "EdDSA", "ES256"], { error: "must be HS256, EdDSA or ES256" }).default("HS256"),
    ACCESS_TOKEN_PRIVATE_JWKS: optional,
    JWKS_MAX_AGE: seconds(300).pipe(z.number().max(86_400, "must be at most 86400 (a day)")),
    REFRESH_TOKEN_TTL: seconds(2_592_000),
    SESSION_IDLE_TIMEOUT: seconds(604_800),
    REFRESH_REUSE_GRACE: z.coerce.number().int().min(0).max(300).default(10),
    STEP_UP_MAX_AGE: seconds(300),
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
    METRICS_PORT: optional.pipe(z.coerce.number<string>().int().min(0).max(65535).optional()),
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(100_000).default(64),
    UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
    SIGNUP: z.enum(["open", "closed"], { error: "must be open or closed" }).default("closed"),
    EMAIL_VERIFICATION: z.enum(["off", "required"], { error: "must be off or required" }).default("off"),
    EMAIL_CODE_SIGN_IN: z.enum(["off", "on"], { error: "must be off or on" }).default("off"),
    SMTP_URL: optional.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^/\s]+/, "must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    MAIL_FROM: optional.pipe(z.string().max(320).optional()),
    WEBHOOK_URL: optional.pipe(webhookUrl.optional()),
    WEBHOOK_SECRET: optional.pipe(webhookSecret.optional()),
    WEBHOOK_EVENTS: list(
      z.enum(["*", ...EVENT_TYPES] as [string, ...string[]], {
        error: `must name event types (${EVENT_TYPES.join(", ")}) or *`,
      }),
    ),
    DJANGO_COMPAT: z.enum(["off", "on"], { error: "must be off or on" }).default("off"),
    // Django's own check (security.W009): 50 characters or more, 5 or more different ones, not a startproject key.
    DJANGO_SECRET_KEY: optional.pipe(
      z
        .string()
        .refine(
          (v) => v.length >= 50 && new Set(v).size >= 5 && !v.startsWith("django-insecure-"),
          "must be the Django app's production SECRET_KEY (50 or more characters, not a django-insecure- development key): with a weak key anyone could mint accepted tokens",
        )
        .optional(),
    ),
    DJANGO_CUTOVER_UNTIL: optional.pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, {
          error: "must be an ISO 8601 date (2026-12-31 or 2026-12-31T18:00:00Z)",
        })
        .refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 date (2026-12-31 or 2026-12-31T18:00:00Z)")
        .optional(),
    ),
    DJANGO_JWT_ALGORITHM: z
      .enum(["HS256", "HS384", "HS512"], { error: "must be HS256, HS384 or HS512" })
      .default("HS256"),
    DJANGO_JWT_USER_ID_CLAIM: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a claim name (letters, digits, _)")
      .default("user_id"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    const require = (variable: string, when: string) =>
      ctx.addIssue({ code: "custom", path: [variable], message: `is required when ${when}` });
    // Metrics are never served on the public port (0 picks a free port for each).
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: "custom", path: ["METRICS_PORT"], message: "must differ from PORT" });
    }
    if (env.COOKIE_SAMESITE === "none" && !env.COOKIE_SECURE) {
      ctx.addIssue({ code: "custom", path: ["COOKIE_SAMESITE"], message: "none requires COOKIE_SECURE=true" });
    }
    if (env.NODE_ENV === "production" && !env.AUTH_SECRET) require("AUTH_SECRET", "NODE_ENV=production");
    // Instances sharing a database must share the signing secret; a generated one is per data directory.
    if (env.DATABASE_URL && !env.AUTH_SECRET) require("AUTH_SECRET", "DATABASE_URL is set");
    // Without it the server's own origin comes from the Host header, which only loopback requests may be trusted for.
    if (env.NODE_ENV === "production" && !env.PUBLIC_ORIGIN) require("PUBLIC_ORIGIN", "NODE_ENV=production");
    // Password reset (always on) and sign-up mail links; .eml files are for development only.
    if (env.NODE_ENV === "production" && !env.SMTP_URL) {
      require("SMTP_URL", `NODE_ENV=production (password reset${env.SIGNUP === "open" ? " and sign-up" : ""} send mail)`);
    }
    if (env.ACCESS_TOKEN_PRIVATE_JWKS !== undefined) {
      if (env.ACCESS_TOKEN_ALG === "HS256") {
        ctx.addIssue({
          code: "custom",
          path: ["ACCESS_TOKEN_PRIVATE_JWKS"],
          message: "is only used with ACCESS_TOKEN_ALG=EdDSA or ES256",
        });
      } else {
        const keys = parseConfiguredJwks(env.ACCESS_TOKEN_PRIVATE_JWKS, env.ACCESS_TOKEN_ALG);
        if (typeof keys === "string")
          ctx.addIssue({ code: "custom", path: ["ACCESS_TOKEN_PRIVATE_JWKS"], message: keys });
      }
    }
    // SimpleJWT tokens are only ever accepted on the compatible surface, and only for a bounded window.
    if (env.DJANGO_SECRET_KEY !== undefined && env.DJANGO_COMPAT !== "on") {
      ctx.addIssue({ code: "custom", path: ["DJANGO_SECRET_KEY"], message: "is only used with DJANGO_COMPAT=on" });
    }
    if (env.DJANGO_SECRET_KEY !== undefined && env.DJANGO_CUTOVER_UNTIL === undefined) {
      require("DJANGO_CUTOVER_UNTIL", "DJANGO_SECRET_KEY is set (the Django tokens' window must end)");
    }
    // Whoever holds Django's SECRET_KEY could otherwise sign Tollgate's own access tokens, with no window at all.
    if (
      env.DJANGO_SECRET_KEY !== undefined &&
      [env.AUTH_SECRET, ...(env.AUTH_SECRET_PREVIOUS ?? [])].includes(env.DJANGO_SECRET_KEY)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["DJANGO_SECRET_KEY"],
        message: "must differ from AUTH_SECRET and AUTH_SECRET_PREVIOUS (it is the Django app's key, not Tollgate's)",
      });
    }
    if (env.DJANGO_CUTOVER_UNTIL !== undefined && env.DJANGO_SECRET_KEY === undefined) {
      ctx.addIssue({ code: "custom", path: ["DJANGO_CUTOVER_UNTIL"], message: "is only used with DJANGO_SECRET_KEY" });
    }
    if (env.INITIAL_USERNAME) {
      const rule = usernameRuleBroken(env.INITIAL_USERNAME);
      if (rule) ctx.addIssue({ code: "custom", path: ["INITIAL_USERNAME"], message: usernameRuleMessage(rule) });
    }
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) require("WEBHOOK_SECRET", "WEBHOOK_URL is set");
    if (env.WEBHOOK_SECRET && !env.WEBHOOK_URL) require("WEBHOOK_URL", "WEBHOOK_SECRET is set");
    if (Boolean(env.INITIAL_USERNAME) !== Boolean(env.INITIAL_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["INITIAL_PASSWORD"],
        message: "INITIAL_USERNAME and INITIAL_PASSWORD go together",
      });
    }
  });

const schema = variables.transform((e) => ({
  /** NODE_ENV=production: what production demands (AUTH_SECRET, PUBLIC_ORIGIN, SMTP_URL) was checked. */
  production: e.NODE_ENV === "production",
  port: e.PORT,
  host: e.HOST,
  /** postgres:// URL; undefined: the embedded database in dataDir. */
  databaseUrl: e.DATABASE_URL,
  /** Directory for the embedded database and the generated secret; "memory://" keeps nothing. */
  dataDir: e.DATA_DIR,
  /** Undefined until the start step generates or reads one (start-config.ts). */
  authSecret: e.AUTH_SECRET,
  authSecretPrevious: e.AUTH_SECRET_PREVIOUS as readonly string[],
  /** This server's own origin; undefined: taken from the Host header of loopback / HOST requests only. */
  publicOrigin: e.PUBLIC_ORIGIN,
  tokenIssuer: e.TOKEN_ISSUER,
  tokenAudience: e.TOKEN_AUDIENCE,
  accessTokenTtl: e.ACCESS_TOKEN_TTL,
  /** HS256: keys derived from AUTH_SECRET. EdDSA / ES256: key pairs, public ones at /.well-known/jwks.json. */
  accessTokenAlg: e.ACCESS_TOKEN_ALG as "HS256" | AsymmetricAlgorithm,
  /** Signing keys from ACCESS_TOKEN_PRIVATE_JWKS (first signs); undefined: generated and kept in DATA_DIR or the database. */
  accessTokenPrivateJwks: configuredJwks(e.ACCESS_TOKEN_PRIVATE_JWKS, e.ACCESS_TOKEN_ALG),
  /** Seconds resource servers may cache /.well-known/jwks.json (its Cache-Control max-age). */
  jwksMaxAge: e.JWKS_MAX_AGE,
  refreshTokenTtl: e.REFRESH_TOKEN_TTL,
  sessionIdleTimeout: e.SESSION_IDLE_TIMEOUT,
  refreshReuseGrace: e.REFRESH_REUSE_GRACE,
  /** Seconds a proof of identity stays fresh for sensitive actions (step-up): Tollgate's own and stepUpProcedure's default. */
  stepUpMaxAge: e.STEP_UP_MAX_AGE,
  cookieSecure: e.COOKIE_SECURE,
  cookieDomain: e.COOKIE_DOMAIN,
  cookieSameSite: e.COOKIE_SAMESITE,
  corsOrigins: e.CORS_ORIGINS as readonly string[],
  /** Normalized (NFKC, trimmed) like every username. */
  initialUsername: e.INITIAL_USERNAME === undefined ? undefined : usernameLookupForm(e.INITIAL_USERNAME),
  initialPassword: e.INITIAL_PASSWORD,
  loginMaxFailures: e.LOGIN_MAX_FAILURES,
  loginWindow: e.LOGIN_WINDOW,
  redisUrl: e.REDIS_URL,
  trustProxy: e.TRUST_PROXY,
  /** Port of the Prometheus listener (GET /metrics); undefined: no metrics; 0: a free port. */
  metricsPort: e.METRICS_PORT,
  /**
   * Address of the Prometheus listener: loopback unless said otherwise, never
   * HOST, so `HOST=0.0.0.0` does not publish unauthenticated metrics to the world.
   */
  metricsHost: e.METRICS_HOST,
  logLevel: e.LOG_LEVEL,
  /** open: anyone may call auth.signUp. */
  signup: e.SIGNUP,
  /** required: sign-in needs a verified address. */
  emailVerification: e.EMAIL_VERIFICATION,
  /** on: auth.emailCode signs in with a code (or link) mailed to a confirmed address. */
  emailCodeSignIn: e.EMAIL_CODE_SIGN_IN === "on",
  /** on: the Django REST surface at /accounts/ (methods/django-compat). */
  djangoCompat: e.DJANGO_COMPAT === "on",
  /** The Django app's SECRET_KEY: SimpleJWT tokens it signed are accepted for imported users until djangoCutoverUntil. */
  djangoSecretKey: e.DJANGO_SECRET_KEY,
  /** Epoch ms after which no SimpleJWT token is accepted (a date alone means its start, UTC). */
  djangoCutoverUntil: e.DJANGO_CUTOVER_UNTIL === undefined ? undefined : Date.parse(e.DJANGO_CUTOVER_UNTIL),
  /** SimpleJWT's ALGORITHM (HMAC only: the key is SECRET_KEY). */
  djangoJwtAlgorithm: e.DJANGO_JWT_ALGORITHM,
  /** SimpleJWT's USER_ID_CLAIM. */
  djangoJwtUserIdClaim: e.DJANGO_JWT_USER_ID_CLAIM,
  /** smtp:// or smtps:// URL; undefined: mails are written as .eml files under DATA_DIR/mail/. */
  smtpUrl: e.SMTP_URL,
  mailFrom: e.MAIL_FROM ?? "Tollgate <no-reply@localhost>",
  /** libuv's thread pool (set by the start scripts): password hashing takes all but two of its threads. */
  threadPoolSize: e.UV_THREADPOOL_SIZE,
  /** Password checks allowed to wait for a hashing slot; beyond it, 503 with Retry-After at once. */
  passwordHashQueue: e.PASSWORD_HASH_QUEUE,
  /** Directory of the built account page, served at /; set by the start step. */
  webRoot: undefined as string | undefined,
  /** Where security events are posted, signed (Standard Webhooks); undefined: no webhooks. */
  webhook: webhookOf(e.WEBHOOK_URL, e.WEBHOOK_SECRET, e.WEBHOOK_EVENTS as readonly string[]),
  /** Other providers to sign in with (OIDC_PROVIDERS); filled by parseConfig, which reads their own variables. */
  oidcProviders: [] as readonly OidcProviderSettings[],
}));

/** A webhook receiver: its URL, its secret and the event types it gets (every one when none or `*` is named). */
export interface WebhookSettings {
  readonly url: string;
  readonly secret: string;
  readonly events: readonly TollgateEventType[];
}

function webhookOf(url: string | undefined, secret: string | undefined, events: readonly string[]) {
  if (!url || !secret) return undefined;
  const all = events.length === 0 || events.includes("*");
  return { url, secret, events: all ? EVENT_TYPES : (events as TollgateEventType[]) } satisfies WebhookSettings;
}

/** ACCESS_TOKEN_PRIVATE_JWKS as keys (already validated by the schema's refinement). */
function configuredJwks(
  text: string | undefined,
  alg: "HS256" | AsymmetricAlgorithm,
): readonly PrivateJwk[] | undefined {
  if (text === undefined || alg === "HS256") return undefined;
  const keys = parseConfiguredJwks(text, alg);
  return typeof keys === "string" ? undefined : keys;
}

/** The configuration as parsed from the environment (the secret may still be missing). */
export type ParsedConfig = Readonly<z.output<typeof schema>>;

/** The configuration a running server uses: the secret is known. */
export type ServerConfig = Readonly<Omit<ParsedConfig, "authSecret"> & { authSecret: string }>;

/** Parses `env` with `parser`, or throws ConfigError with one line naming the first bad variable. */
function parseWith<T>(parser: z.ZodType<T>, env: Environment): T {
  const parsed = parser.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = issue?.path[0] === undefined ? undefined : String(issue.path[0]);
  throw new ConfigError(
    `Invalid configuration: ${variable ?? "environment"} ${issue?.message ?? "is invalid"}`,
    variable,
  );
}

/** Validates the environment; no side effects. Throws ConfigError with one line naming the variable. */
export function parseConfig(env: Environment): ParsedConfig {
  const config = parseWith(schema, env);
  return { ...config, oidcProviders: parseOidcProviders(env, (message) => new ConfigError(message)) };
}

const cliVariables = z
  .object({
    DATABASE_URL: variables.shape.DATABASE_URL,
    DATA_DIR: variables.shape.DATA_DIR,
    REFRESH_TOKEN_TTL: variables.shape.REFRESH_TOKEN_TTL,
    SESSION_IDLE_TIMEOUT: variables.shape.SESSION_IDLE_TIMEOUT,
    REFRESH_REUSE_GRACE: variables.shape.REFRESH_REUSE_GRACE,
    AUTH_SECRET: variables.shape.AUTH_SECRET,
    AUTH_SECRET_PREVIOUS: variables.shape.AUTH_SECRET_PREVIOUS,
    ACCESS_TOKEN_TTL: variables.shape.ACCESS_TOKEN_TTL,
    ACCESS_TOKEN_ALG: variables.shape.ACCESS_TOKEN_ALG,
    ACCESS_TOKEN_PRIVATE_JWKS: variables.shape.ACCESS_TOKEN_PRIVATE_JWKS,
    JWKS_MAX_AGE: variables.shape.JWKS_MAX_AGE,
  })
  .transform((e) => ({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    sessionIdleTimeout: e.SESSION_IDLE_TIMEOUT,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE,
    /** keys:rotate: the database keeps signing keys encrypted with it. */
    authSecret: e.AUTH_SECRET,
    authSecretPrevious: e.AUTH_SECRET_PREVIOUS as readonly string[],
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    accessTokenAlg: e.ACCESS_TOKEN_ALG as "HS256" | AsymmetricAlgorithm,
    /** Set: the keys come from the environment, and keys:rotate has nothing to rotate. */
    accessTokenKeysConfigured: e.ACCESS_TOKEN_PRIVATE_JWKS !== undefined,
    jwksMaxAge: e.JWKS_MAX_AGE,
  }));

/** What the CLI needs: which database, and the session rules it applies (the server's variables). */
export type CliConfig = Readonly<z.output<typeof cliVariables>>;

export function parseCliConfig(env: Environment): CliConfig {
  return parseWith(cliVariables, env);
}

/** Each environment variable's schema, by name: the documentation's configuration reference is generated from it. */
export const ENVIRONMENT_SCHEMA = variables.shape;
