import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuth } from "@tollgate/auth";
import type { AnyRouter } from "@trpc/server";
import type { Logger } from "pino";
import { REFRESH_PATH, type ServerConfig, TOKEN_AUDIENCE, TOKEN_ISSUER } from "./config.js";
import { lockDataDir } from "./data-dir-lock.js";
import { type DatabaseHandle, openDatabase } from "./db/client.js";
import { createRequestListener } from "./http.js";
import { createLogger } from "./logger.js";
import { createMemoryCounter } from "./rate-limit/memory-counter.js";
import { createLoginRateLimiter } from "./rate-limit/rate-limiter.js";
import { createRedisCounter } from "./rate-limit/redis-counter.js";
import type { Services } from "./services.js";
import { createAuditLog } from "./stores/audit-log.js";
import { ensureInitialUser } from "./stores/initial-user.js";
import { purgeEndedSessions } from "./stores/session-purge.js";
import { createKyselySessionStore } from "./stores/session-store.js";
import { createUserStore } from "./stores/user-store.js";

/** How often ended sessions are purged. */
const PURGE_INTERVAL_MS = 3_600_000;

/** Per-IP failures allowed per window, across all usernames (password spraying). */
const IP_FAILURE_FACTOR = 20;

export interface App {
  readonly services: Services;
  readonly server: Server;
  /** Starts listening; resolves with the bound URL (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  readonly config: ServerConfig;
  /** An open database; when omitted the config's is opened (and closed with the app). */
  readonly database?: DatabaseHandle;
  readonly logger?: Logger;
  /** Clock for token and session expiry (tests). */
  readonly now?: () => number;
  /** Serve this router instead of the app's (a superset of it, e.g. with benchmark procedures). */
  readonly router?: AnyRouter;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsDatabase = options.database === undefined;
  const releaseLock = ownsDatabase && !config.databaseUrl ? lockDataDir(config.dataDir) : () => {};
  let database: DatabaseHandle;
  try {
    database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  } catch (error) {
    releaseLock();
    throw error;
  }

  const sessionStore = createKyselySessionStore(database.db);
  const auth = await createAuth({
    secret: config.authSecret,
    previousSecrets: config.authSecretPrevious,
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    store: sessionStore,
    accessTokenTtl: config.accessTokenTtl,
    refreshTokenTtl: config.refreshTokenTtl,
    sessionIdleTimeout: config.sessionIdleTimeout,
    refreshReuseGrace: config.refreshReuseGrace,
    cookies: {
      secure: config.cookieSecure,
      domain: config.cookieDomain,
      sameSite: config.cookieSameSite,
      refreshPath: REFRESH_PATH,
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const counter = config.redisUrl ? createRedisCounter(config.redisUrl) : createMemoryCounter();
  const services: Services = {
    config,
    database,
    auth,
    users: createUserStore(database.db),
    sessionStore,
    audit: createAuditLog(database.db, (err) => logger.error({ err }, "audit write failed")),
    loginLimiter: createLoginRateLimiter(counter, {
      maxFailures: config.loginMaxFailures,
      maxFailuresPerIp: config.loginMaxFailures * IP_FAILURE_FACTOR,
      window: config.loginWindow,
    }),
    logger,
    now: options.now ?? Date.now,
  };
  await ensureInitialUser(services);

  const purge = () =>
    purgeEndedSessions(database.db, services.now(), config.sessionIdleTimeout).then(
      (count) => {
        if (count > 0) logger.info({ count }, "ended sessions purged");
      },
      (err: unknown) => logger.warn({ err }, "session purge failed"),
    );
  void purge();
  const purgeTimer = setInterval(() => void purge(), PURGE_INTERVAL_MS);
  purgeTimer.unref();

  const server = createServer(createRequestListener(services, options.router));
  // Slow clients cannot hold sockets open indefinitely.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  let closing: Promise<void> | undefined;
  return {
    services,
    server,
    listen(port = config.port, host = config.host) {
      return new Promise((resolveUrl, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolveUrl(`http://${shownHost}:${address.port}`);
        });
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(purgeTimer);
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        });
        await services.audit.flush();
        await services.loginLimiter.close();
        if (ownsDatabase) await database.close();
        releaseLock();
      })();
      return closing;
    },
  };
}
