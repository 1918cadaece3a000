import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuth, hashConcurrencyFor } from "@tollgate/auth";
import type { Logger } from "pino";
import { REFRESH_PATH, type ServerConfig } from "./config.js";
import { type DatabaseHandle, openDatabase } from "./db/client.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { createRequestListener } from "./http.js";
import { ensureInitialUser } from "./initial-user.js";
import { createLogger } from "./logger.js";
import { createMailer } from "./mail/mailer.js";
import { createOutboxSender, type OutboxSenderOptions } from "./mail/outbox-sender.js";
import { createMailTransport } from "./mail/transport.js";
import { createMaintenance } from "./maintenance.js";
import { createMetrics } from "./metrics/metrics.js";
import { createMetricsListener } from "./metrics/metrics-listener.js";
import { createMemoryAttemptStore } from "./rate-limit/memory-attempt-store.js";
import { createSignInLimiter } from "./rate-limit/rate-limiter.js";
import { createRedisAttemptStore } from "./rate-limit/redis-attempt-store.js";
import { createRevocationFeed } from "./revocations/feed.js";
import type { RetryPolicy } from "./revocations/postgres-feed.js";
import { createRevocationPublisher } from "./revocations/publisher.js";
import { appRouter } from "./routers/index.js";
import type { Services } from "./services.js";
import {
  describeSigningKeyError,
  signingKeyLocation,
  signingKeyStoreFor,
  startSigningKeyReload,
} from "./signing-keys.js";
import { createAccountTokenStore } from "./stores/account-token-store.js";
import { createAuditLog } from "./stores/audit-log.js";
import { createMailOutboxStore } from "./stores/mail-outbox-store.js";
import { createKyselySessionStore } from "./stores/session-store.js";
import { createUserStore } from "./stores/user-store.js";

/** Per-network failures allowed per window, across all usernames (password spraying). */
const NETWORK_FAILURE_FACTOR = 20;
/** Failures of one account across networks before progressive delay starts, as a multiple of LOGIN_MAX_FAILURES. */
const ACCOUNT_FREE_FACTOR = 2;
/** The longest wait progressive delay imposes between attempts on one account, seconds. */
const ACCOUNT_MAX_DELAY = 30;
/** auth.requestPasswordReset: requests per (address, client network), per client network, and the window in seconds. */
const RESET_REQUESTS_PER_ADDRESS = 3;
const RESET_REQUESTS_PER_NETWORK = 20;
const RESET_WINDOW = 900;

export interface App {
  readonly services: Services;
  readonly server: Server;
  /**
   * Starts listening; resolves with the bound URL (port 0 picks a free port).
   * With METRICS_PORT the metrics listener starts too, on the same host.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Where Prometheus scrapes (`http://HOST:port/metrics`) once listening; undefined without METRICS_PORT. */
  readonly metricsUrl: string | undefined;
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
  /** Waits between reconnects of the PostgreSQL revocation channel (default 200 ms doubling to 5 s). */
  readonly revocationRetry?: RetryPolicy;
  /** Polling and backoff of the mail outbox sender (tests shorten them). */
  readonly mailRetry?: OutboxSenderOptions;
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

  const metrics = createMetrics({
    enabled: config.metricsPort !== undefined,
    database,
    procedures: Object.keys(appRouter._def.procedures),
  });
  const signingKeyStore = signingKeyStoreFor(config, database);
  const auth = await createAuth({
    secret: config.authSecret,
    previousSecrets: config.authSecretPrevious,
    issuer: config.tokenIssuer,
    audience: config.tokenAudience,
    store: createKyselySessionStore(database.db),
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
    passwordHashing: {
      concurrency: hashConcurrencyFor(config.threadPoolSize),
      maxQueue: config.passwordHashQueue,
      onSlotWait: metrics.hashSlotWait,
    },
    revocationPublisher: createRevocationPublisher(database, logger),
    ...(options.now ? { now: options.now } : {}),
    ...(signingKeyStore && config.accessTokenAlg !== "HS256"
      ? { accessTokenSigning: { algorithm: config.accessTokenAlg, store: signingKeyStore } }
      : {}),
  }).catch((error: unknown) => {
    throw describeSigningKeyError(error, signingKeyLocation(config, database.kind));
  });
  metrics.watchHashQueue(auth.passwords);
  const now = options.now ?? Date.now;
  const revocationFeed = createRevocationFeed({
    database,
    revocations: auth.revocations,
    logger,
    now,
    retry: options.revocationRetry,
  });
  const attempts = config.redisUrl ? createRedisAttemptStore(config.redisUrl) : createMemoryAttemptStore();
  const outbox = createMailOutboxStore(database.db, now);
  const mailTransport = createMailTransport(config, logger);
  const outboxSender = createOutboxSender(outbox, mailTransport, logger, now, options.mailRetry);
  const services: Services = {
    config,
    database,
    auth,
    users: createUserStore(database.db),
    audit: createAuditLog(database.db, (err) => logger.error({ err }, "audit write failed")),
    signInLimiter: createSignInLimiter(attempts, {
      maxFailures: config.loginMaxFailures,
      maxFailuresPerNetwork: config.loginMaxFailures * NETWORK_FAILURE_FACTOR,
      window: config.loginWindow,
      accountFreeAttempts: config.loginMaxFailures * ACCOUNT_FREE_FACTOR,
      accountMaxDelay: ACCOUNT_MAX_DELAY,
    }),
    resetLimiter: createSignInLimiter(attempts, {
      keyPrefix: "reset",
      maxFailures: RESET_REQUESTS_PER_ADDRESS,
      maxFailuresPerNetwork: RESET_REQUESTS_PER_NETWORK,
      window: RESET_WINDOW,
      accountFreeAttempts: RESET_REQUESTS_PER_ADDRESS * 2,
      accountMaxDelay: ACCOUNT_MAX_DELAY,
    }),
    tokens: createAccountTokenStore(database.db, now),
    mailer: createMailer(outbox, outboxSender, logger),
    revocationFeed,
    logger,
    metrics,
    now,
  };
  await ensureInitialUser(services);
  const maintenance = createMaintenance(services);
  await maintenance.start();
  outboxSender.start();
  // Before listening: a restarted instance honours the revocations of the last access-token lifetime.
  await revocationFeed.start();
  const keyReload = startSigningKeyReload(auth.signingKeys, config.jwksMaxAge, logger);

  const server = createServer(createRequestListener(services));
  // Slow clients cannot hold sockets open indefinitely.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // Never on the public port: a listener of its own, only with METRICS_PORT.
  const metricsServer = metrics.registry ? createMetricsListener(metrics.registry, logger) : undefined;
  let metricsUrl: string | undefined;

  let closing: Promise<void> | undefined;
  return {
    services,
    server,
    async listen(port = config.port, host = config.host) {
      const url = await listenOn(server, port, host);
      if (metricsServer) metricsUrl = `${await listenOn(metricsServer, config.metricsPort ?? 0, host)}/metrics`;
      return url;
    },
    get metricsUrl() {
      return metricsUrl;
    },
    close() {
      closing ??= (async () => {
        maintenance.stop();
        keyReload.stop();
        await Promise.all([stopListening(server), metricsServer && stopListening(metricsServer)]);
        await services.mailer.settle();
        await outboxSender.stop();
        mailTransport.close();
        await revocationFeed.stop();
        await services.audit.flush();
        await services.signInLimiter.close();
        if (ownsDatabase) await database.close();
        releaseLock();
      })();
      return closing;
    },
  };
}

/** Listens on host:port; resolves with the bound URL. */
function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolveUrl(`http://${shownHost}:${address.port}`);
    });
  });
}

/** Stops accepting and resolves once in-flight requests have finished (idle keep-alive sockets are closed). */
function stopListening(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
