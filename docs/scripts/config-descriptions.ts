/**
 * What each environment variable means, in the configuration reference's
 * words. Names, defaults and accepted values come from the schema itself
 * (config-reference.ts); a variable the schema reads without a line here, or a
 * line here for a variable the schema no longer reads, fails docs:build and
 * the docs tests.
 */
export const VARIABLE_MEANINGS: Readonly<Record<string, string>> = {
  NODE_ENV:
    "`production` demands what a deployment needs: `AUTH_SECRET`, `PUBLIC_ORIGIN` and `SMTP_URL` must be set, or the server refuses to start",
  PORT: "listen port (`0` picks a free one)",
  HOST: "listen address",
  DATABASE_URL:
    "`postgres://…`: use PostgreSQL (several instances, see [Several instances](/operations/instances)). Unset: embedded SQLite (`node:sqlite`, WAL) in `DATA_DIR`",
  DATA_DIR:
    "embedded database (`tollgate.db`), the generated `AUTH_SECRET` and, with `ACCESS_TOKEN_ALG=EdDSA`/`ES256`, the generated signing keys (`signing-keys.json`); `memory://` keeps nothing",
  AUTH_SECRET:
    "≥ 32 bytes; signs access and CSRF tokens and seals TOTP secrets and stored signing keys. Unset: generated once into `DATA_DIR`. Required when `NODE_ENV=production` or `DATABASE_URL` is set; the same on every instance. Generate one with `openssl rand -base64 48`",
  AUTH_SECRET_PREVIOUS:
    "comma list of retired secrets still accepted for verification ([rotation](/operations/rotation) without signing anyone out)",
  PUBLIC_ORIGIN:
    "the server's own origin (`https://api.example.com`) for Origin checks and mail links. Unset: the request's `Host`, trusted only when it is loopback or `HOST` (DNS rebinding); required when `NODE_ENV=production`",
  TOKEN_ISSUER: "`iss` of access tokens: deployments sharing a secret stay apart",
  TOKEN_AUDIENCE: "`aud` of access tokens: deployments sharing a secret stay apart",
  ACCESS_TOKEN_TTL: "access token lifetime, seconds",
  ACCESS_TOKEN_ALG:
    "`HS256` (keys derived from `AUTH_SECRET`), `EdDSA` (Ed25519) or `ES256` (P-256): key pairs, public keys at `/.well-known/jwks.json` ([Signing keys](/concepts/signing-keys))",
  ACCESS_TOKEN_PRIVATE_JWKS:
    'EdDSA/ES256 only: the private keys as a JSON JWK set (`{"keys":[…]}`); the first signs, the others are published and accepted. Unset: keys are generated into `DATA_DIR`, or into the database with `DATABASE_URL`',
  JWKS_MAX_AGE: "seconds resource servers may cache `/.well-known/jwks.json` (`Cache-Control: public, max-age=…`)",
  REFRESH_TOKEN_TTL: "session lifetime, seconds (never extended by refreshing)",
  SESSION_IDLE_TIMEOUT: "seconds without a refresh after which a session ends",
  REFRESH_REUSE_GRACE:
    "seconds in which the just-rotated refresh token may come again (racing requests; see [Sessions](/concepts/sessions))",
  STEP_UP_MAX_AGE:
    "seconds a proof of identity (sign-in or `auth.stepUp.verify`) stays fresh for sensitive actions ([Step-up](/concepts/step-up))",
  COOKIE_SECURE: "Secure flag; names get `__Host-` (access, csrf) and `__Secure-` (refresh)",
  COOKIE_DOMAIN: "Domain attribute (then `__Secure-` instead of `__Host-`)",
  COOKIE_SAMESITE: "`lax`, `strict` or `none` (`none` needs `COOKIE_SECURE=true`)",
  CORS_ORIGINS: "comma list of other web origins allowed to call with credentials",
  INITIAL_USERNAME:
    "a user created at start if missing (with `INITIAL_PASSWORD`); the username follows the [username rules](/concepts/methods/password#usernames) (checked at start)",
  INITIAL_PASSWORD: "the password of `INITIAL_USERNAME`; the two go together",
  LOGIN_MAX_FAILURES:
    "password checks allowed per (username, client network) per `LOGIN_WINDOW`, counted before the check; per client network 20 × that; per account across networks, a progressive delay after 2 × that, skipped by a browser with the account's `known_device` cookie ([Sign-in limits](/concepts/sign-in-limits))",
  LOGIN_WINDOW: "the window of `LOGIN_MAX_FAILURES`, seconds",
  PASSWORD_HASH_QUEUE:
    "password checks allowed to wait for a hashing slot; beyond it, 503 `HASH_QUEUE_FULL` with `Retry-After: 1` at once",
  UV_THREADPOOL_SIZE:
    "libuv's thread pool; `pnpm start` / `pnpm dev` set it to the number of cores + 2. Password hashing uses all but two of its threads",
  REDIS_URL: "share rate-limit state between instances",
  TRUST_PROXY:
    "take the client IP and scheme from `X-Forwarded-For` (right-most entry) / `X-Forwarded-Proto` ([Behind a reverse proxy](/operations/reverse-proxy))",
  METRICS_PORT:
    "Prometheus text at `http://METRICS_HOST:METRICS_PORT/metrics`, a listener of its own (never the public port, never `PORT`); `0` picks a free port. Unset: no metrics ([Metrics](/operations/metrics))",
  METRICS_HOST:
    "address of the metrics listener; it answers anyone who reaches it, so it stays on loopback (whatever `HOST` says) unless set, e.g. to a private interface Prometheus scrapes",
  SIGNUP: "`open`: anyone may call `auth.signUp`",
  EMAIL_VERIFICATION: "`required`: sign-in needs a verified email address",
  EMAIL_CODE_SIGN_IN:
    '`on`: sign-in with a code by mail ([Codes by mail](/concepts/methods/email-codes)): `auth.emailCode.*` answer, the account page offers "Email me a code"',
  SMTP_URL:
    "mail transport: `smtp://user:pass@host:port` (STARTTLS required, so the password and links never go in clear; except to a loopback host, or when the URL opts out with nodemailer's own `?requireTLS=false` or `?ignoreTLS=true`) or `smtps://…` (TLS from the start). Unset (development): each mail is written as an `.eml` file under `DATA_DIR/mail/` with its text beside it as a readable `.txt`, and one log line names the file and the links in it; required when `NODE_ENV=production`",
  MAIL_FROM: "sender of every mail; unset: `Tollgate <no-reply@localhost>`",
  WEBHOOK_URL:
    "where security events are POSTed, signed per Standard Webhooks ([Activity, events and webhooks](/concepts/activity#webhooks)); `https://`, or `http://` only to localhost",
  WEBHOOK_SECRET:
    "`whsec_` and the base64 of at least 24 random bytes (`whsec_$(openssl rand -base64 32)`); required with `WEBHOOK_URL`",
  WEBHOOK_EVENTS:
    "comma list of the event types sent to `WEBHOOK_URL` (`session.started,account.locked`), or `*`; unset: every type",
  DJANGO_COMPAT:
    "`on`: also serve a Django REST + SimpleJWT app's surface under `/accounts/` ([Migrating from Django](/migrating/django))",
  DJANGO_SECRET_KEY:
    "the Django app's `SECRET_KEY`: its SimpleJWT tokens are accepted for imported users until `DJANGO_CUTOVER_UNTIL`; needs `DJANGO_COMPAT=on`",
  DJANGO_CUTOVER_UNTIL:
    "required with `DJANGO_SECRET_KEY`: ISO 8601 date or time (`2027-01-31T18:00:00Z`; a date alone is its first instant, UTC) after which no SimpleJWT token is accepted",
  DJANGO_JWT_ALGORITHM: "SimpleJWT's `ALGORITHM`: `HS256`, `HS384` or `HS512`",
  DJANGO_JWT_USER_ID_CLAIM: "SimpleJWT's `USER_ID_CLAIM`",
  LOG_LEVEL: "pino level (`silent` to turn logs off)",
};

/** The variables of each provider named in OIDC_PROVIDERS (oidc-config.ts), `<NAME>` being the provider's name. */
export const PROVIDER_VARIABLE_MEANINGS: Readonly<Record<string, string>> = {
  OIDC_PROVIDERS:
    "comma list of other providers to sign in with (`google,corp`): a letter, then letters or digits; a name is used in the routes and stored with each linked identity",
  ISSUER:
    "the issuer URL (discovery at `<issuer>/.well-known/openid-configuration`); `https://`, or `http://` only to a loopback address (development)",
  PRESET:
    "`google`, `microsoft` or `github` instead of an issuer; a provider named after a preset uses it without this",
  TENANT:
    "`microsoft` only: the directory (tenant) id or domain; Microsoft's multi-tenant `common` issuer is a template no client can check",
  CLIENT_ID: "the client registered at the provider",
  CLIENT_SECRET: "the client's secret (sent with HTTP Basic)",
  SCOPES: "space or comma list; default `openid email profile` (GitHub: `read:user user:email`); must include `openid`",
  LABEL: 'the account page\'s "Sign in with …" (presets: Google, Microsoft, GitHub; else the name)',
};
