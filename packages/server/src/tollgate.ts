import { createAuth, createDeviceTokens, createMailBodyWrap, hashConcurrencyFor } from "@tollgate/auth";
import type { AnyTRPCRouter } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";
import type { Kysely, Migration } from "kysely";
import type { Logger } from "pino";
import { createQuota } from "./abuse-limits.js";
import { REFRESH_PATH, type ServerConfig } from "./config.js";
import { type Context, createContextFactory } from "./context.js";
import { methodRoutesFor, registerMethods } from "./core/served-methods.js";
import { limitedCheck } from "./core/sign-in-limit.js";
import { createUserCache } from "./core/user-cache.js";
import { forgettingTokenWrites, forgettingUserWrites } from "./core/user-cache-writes.js";
import { type DatabaseHandle, openDatabase } from "./db/client.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { migrateMethod, migrateOwnTables } from "./db/migrate.js";
import type { SqlDialect } from "./db/migrations/dialect-types.js";
import { createTrafficRecorder } from "./doctor/traffic-recorder.js";
import { createEventBus, type EventBus } from "./events/bus.js";
import { subscribeNotifications } from "./events/notifications.js";
import { announceSetupAtStart } from "./first-run.js";
import { createFetchHandler, type FetchHandler, readFetchRequest } from "./http/fetch-adapter.js";
import { createNodeHandler, type NodeHandler } from "./http/node-adapter.js";
import { createPipeline } from "./http/pipeline.js";
import { clientAddressProblem } from "./http/request-info.js";
import { handlesTarget, pathnameOf } from "./http/targets.js";
import { ensureInitialUser } from "./initial-user.js";
import { createLogger } from "./logger.js";
import { createMailer } from "./mail/mailer.js";
import { createOutboxSender, type OutboxSenderOptions } from "./mail/outbox-sender.js";
import { createMailTransport } from "./mail/transport.js";
import { createMaintenance } from "./maintenance.js";
import { defaultMethods } from "./methods/defaults.js";
import type { AnySignInMethod } from "./methods/method.js";
import { createMetrics } from "./metrics/metrics.js";
import type { DeliveryLoopOptions } from "./outbox/delivery-loop.js";
import { createMemoryAttemptStore } from "./rate-limit/memory-attempt-store.js";
import { createAttemptLimiter } from "./rate-limit/rate-limiter.js";
import { createRevocationFeed } from "./revocations/feed.js";
import type { RetryPolicy } from "./revocations/postgres-feed.js";
import { createRevocationPublisher } from "./revocations/publisher.js";
import { appRouter, createTollgateRouter, refuseRouterWithoutMethods, type TollgateRouter } from "./routers/index.js";
import type { Services } from "./services.js";
import {
  describeSigningKeyError,
  type RepeatTimer,
  signingKeyLocation,
  signingKeyStoreFor,
  startSigningKeyReload,
} from "./signing-keys.js";
import { createAccountTokenStore } from "./stores/account-token-store.js";
import { createAuditLog } from "./stores/audit-log.js";
import { createMailOutboxStore } from "./stores/mail-outbox-store.js";
import { createPendingSignInStore } from "./stores/pending-sign-in-store.js";
import { createRefreshSubjects } from "./stores/refresh-subject.js";
import { createKyselySessionStore } from "./stores/session-store.js";
import { createUserStore } from "./stores/user-store.js";
import {
  authedProcedure,
  credentialProcedure,
  mergeRouters,
  protectedMutation,
  publicProcedure,
  router,
} from "./trpc.js";
import { userProcedure } from "./user-procedure.js";
import { createWebhookDelivery } from "./webhooks/webhook-delivery.js";
import { createWebhookStore } from "./webhooks/webhook-store.js";

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
/** Counted mails to one inbox (recipientKey: plus tags, Gmail dots), whatever sends them: per hour and per day. */
const MAILS_PER_RECIPIENT = { perHour: 5, perDay: 20 };
/** user.updateProfile: new addresses asked for by one account, per hour and per day. */
const ADDRESS_CHANGES_PER_ACCOUNT = { perHour: 3, perDay: 10 };
/** auth.signUp: accounts made from one client network, per hour and per day. */
const SIGN_UPS_PER_NETWORK = { perHour: 10, perDay: 50 };

export interface TollgateOptions<M extends readonly AnySignInMethod[] = ReturnType<typeof defaultMethods>> {
  /**
   * The sign-in methods to serve (default: `defaultMethods()`: password, totp,
   * passkey, emailCode, oidc and djangoCompat, the last three answering only
   * once configured). Build the router you serve from the same list
   * (`createTollgateRouter(methods)`, or `tollgate.router`): createTollgate
   * refuses a router without their procedures.
   */
  readonly methods?: M;
  /**
   * The router you will serve (Tollgate's merged with yours): its procedures
   * are the metrics' procedure labels (others count as `unknown`). Default: Tollgate's.
   */
  readonly router?: AnyTRPCRouter;
  readonly config: ServerConfig;
  /** An open database; when omitted the config's is opened (and closed with the app). */
  readonly database?: DatabaseHandle;
  readonly logger?: Logger;
  /** Clock for token and session expiry (tests). */
  readonly now?: () => number;
  /** Waits between reconnects of the PostgreSQL revocation channel (default 200 ms doubling to 5 s). */
  readonly revocationRetry?: RetryPolicy;
  /** Polling and backoff of the mail outbox sender (tests shorten them and await its `onIdle`). */
  readonly mailRetry?: OutboxSenderOptions;
  /** Polling and backoff of the webhook outbox (WEBHOOK_URL; tests shorten them). */
  readonly webhookRetry?: DeliveryLoopOptions;
  /** The timer of the signing-key reload (default setInterval; tests pass one their clock drives). */
  readonly signingKeyReloadTimer?: RepeatTimer;
  /**
   * Your app's own tables, by migration name (Kysely migrations; a function
   * gets `"sqlite"` or `"postgres"`), run after Tollgate's at every start,
   * with a history of their own (`migrationTable`). Reach the tables with
   * `services.database.db.withTables<YourTables>()`.
   */
  readonly migrations?: Record<string, Migration> | ((dialect: SqlDialect) => Record<string, Migration>);
  /** The history table of `migrations` (default `app_migration`; its lock is `<name>_lock`). */
  readonly migrationTable?: string;
  /**
   * While no user exists, log a one-time link where the account page creates
   * the first one (default true). createApp turns it off and logs the link
   * once it knows the address it listens on.
   */
  readonly announceFirstRunSetup?: boolean;
}

/** What tRPC's fetch adapter hands to `createContext` (plus the client's address, which Fetch lacks). */
export interface FetchContextOptions {
  readonly req: Request;
  readonly resHeaders: Headers;
  readonly info: TRPCRequestInfo;
  /** The peer's IP as the host knows it; required, as for fetchHandler (see FetchHandlerCallOptions). */
  readonly clientAddress: string | undefined;
}

/**
 * Tollgate as a library: its routers to merge with yours, the procedure
 * builders whose checks (Origin, CSRF, sign-in, revocation, batch policy)
 * your procedures inherit, and handlers that serve the merged router on
 * node:http or the Fetch API. The cookies the procedures set go through a
 * headers object every handler copies, so every transport sets the same ones.
 */
export interface Tollgate<M extends readonly AnySignInMethod[] = ReturnType<typeof defaultMethods>> {
  readonly services: Services;
  /**
   * Security events as they happen (sign-ins, refusals, sessions ended,
   * factors added or removed, lockouts…), typed by their name:
   * `tollgate.events.on("session.started", (event) => …)`; `"*"` for every
   * one. Handlers run after the request's work; their errors are logged.
   */
  readonly events: Pick<EventBus, "on">;
  /** Tollgate's whole router (auth, user, meta, admin) for its methods, typed by them: merge it with yours. */
  readonly router: TollgateRouter<M>;
  /** Its parts, to mount elsewhere than at the top level. */
  readonly routers: {
    readonly auth: TollgateRouter<M>["auth"];
    readonly user: TollgateRouter<M>["user"];
    readonly meta: TollgateRouter<M>["meta"];
    readonly admin: TollgateRouter<M>["admin"];
  };
  /** Builders (the same values `@tollgate/server` exports, for routers defined at module level). */
  readonly procedures: {
    readonly router: typeof router;
    readonly mergeRouters: typeof mergeRouters;
    /** No sign-in; a mutation still needs an allowed Origin. */
    readonly publicProcedure: typeof publicProcedure;
    /** Signed in (`ctx.session`); a cookie-authenticated mutation also needs the session's CSRF header. */
    readonly authedProcedure: typeof authedProcedure;
    /** authedProcedure with `ctx.user` (the signed-in user, one database read per call). */
    readonly userProcedure: typeof userProcedure;
    /** The same checks as authedProcedure, named for mutations. */
    readonly protectedMutation: typeof protectedMutation;
    /** Checks a password or code: never in a batch of several calls. */
    readonly credentialProcedure: typeof credentialProcedure;
  };
  /**
   * Runs your own password, PIN or code check under Tollgate's sign-in limit
   * (the same function `@tollgate/server` exports as `limitedCheck`):
   * reserved before the check per (name, client network), per network and
   * per name; false for a wrong answer; AuthError RATE_LIMITED (429 with
   * Retry-After) once the limit is reached. Call it from a credentialProcedure.
   */
  readonly limitedCheck: typeof limitedCheck;
  /** A context for tRPC's own fetch adapter (`fetchRequestHandler({ createContext })`). */
  createContext(options: FetchContextOptions): Context;
  /**
   * A node:http listener serving `router` at /trpc (plus /healthz and
   * /.well-known/jwks.json). Called with a third argument `next` it is
   * Express/Connect middleware: other paths go on to the app's own routes.
   */
  nodeHandler(router: AnyTRPCRouter): NodeHandler;
  /**
   * Whether the handlers answer this request target (`/trpc/*`, `/healthz`,
   * `/.well-known/jwks.json`, the methods' own routes such as `/auth/oidc/…`):
   * for hosts that route first (a Fastify onRequest hook).
   */
  handles(target: string): boolean;
  /** A Fetch handler serving `router` at /trpc (plus /healthz and /.well-known/jwks.json). */
  fetchHandler(router: AnyTRPCRouter): FetchHandler;
  /** Stops background work, flushes the audit log, closes the database if Tollgate opened it. */
  close(): Promise<void>;
}

/**
 * Opens the database (or takes `database`), runs Tollgate's migrations,
 * starts its background work, and returns what an app needs to build on it:
 *
 * ```ts
 * const appRouter = mergeRouters(tollgateRouter, router({ notes: notesRouter }));
 * const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
 * createServer(tollgate.nodeHandler(appRouter)).listen(3000);   // or tollgate.fetchHandler(appRouter)
 * ```
 *
 * See the documentation, "Add Tollgate to your app" (docs/guide/app/).
 */
export async function createTollgate<const M extends readonly AnySignInMethod[] = ReturnType<typeof defaultMethods>>(
  options: TollgateOptions<M>,
): Promise<Tollgate<M>> {
  const { config } = options;
  const methods = (options.methods ?? defaultMethods()) as M;
  const tollgateRouter = (options.methods ? createTollgateRouter(methods) : appRouter) as TollgateRouter<M>;
  const served = options.router ?? tollgateRouter;
  refuseRouterWithoutMethods(served, tollgateRouter);

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

  try {
    for (const method of methods) {
      if (method.migrations) {
        await migrateMethod(database.db as Kysely<unknown>, method.id, method.migrations(database.kind));
      }
    }
    const { migrations: appMigrations } = options;
    if (appMigrations) {
      await migrateOwnTables(
        database.db as Kysely<unknown>,
        options.migrationTable ?? "app_migration",
        typeof appMigrations === "function" ? appMigrations(database.kind) : appMigrations,
        "the app",
      );
    }
  } catch (error) {
    if (ownsDatabase) await database.close();
    releaseLock();
    throw error;
  }

  const metrics = await createMetrics({
    enabled: config.metricsPort !== undefined,
    database,
    procedures: Object.keys(served._def.procedures),
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
  const userStore = createUserStore(database.db);
  const tokenStore = createAccountTokenStore(database.db, now);
  let userCacheLive = () => false;
  const userCache = createUserCache({ users: userStore, tokens: tokenStore, isLive: () => userCacheLive() });
  const revocationFeed = createRevocationFeed({
    database,
    revocations: auth.revocations,
    logger,
    now,
    retry: options.revocationRetry,
    users: userCache,
  });
  // Memory is trusted only while the feed carries every change to users (live, and on a feed that carries them).
  if (revocationFeed.carriesUserChanges) userCacheLive = () => auth.revocations.mode === "live";
  // One store per limiter: a flood of one kind of attempt never evicts another's counters
  // (in Redis their keys already differ by prefix). An injected clock counts their windows too.
  // ioredis is loaded only when REDIS_URL is set.
  const redis = config.redisUrl ? await import("./rate-limit/redis-attempt-store.js") : undefined;
  const attemptStore = () =>
    redis && config.redisUrl
      ? redis.createRedisAttemptStore(config.redisUrl, undefined, { now: options.now })
      : createMemoryAttemptStore(now);
  // Quotas of their own (own store, own prefixes): never mixed with sign-in counts.
  const quotaStore = attemptStore();
  const auditLog = createAuditLog(database.db, (err) => logger.error({ err }, "audit write failed"), { now });
  const outbox = createMailOutboxStore(
    database.db,
    createMailBodyWrap(config.authSecret, config.authSecretPrevious),
    now,
  );
  const mailTransport = createMailTransport(config, logger);
  const outboxSender = createOutboxSender(outbox, mailTransport, logger, now, options.mailRetry);
  const services: Services = {
    config,
    database,
    auth,
    users: forgettingUserWrites(userStore, userCache),
    userCache,
    refreshSubjects: createRefreshSubjects(database.db),
    audit: auditLog,
    events: createEventBus(logger, now),
    signInLimiter: createAttemptLimiter(attemptStore(), {
      maxFailures: config.loginMaxFailures,
      maxFailuresPerNetwork: config.loginMaxFailures * NETWORK_FAILURE_FACTOR,
      window: config.loginWindow,
      accountFreeAttempts: config.loginMaxFailures * ACCOUNT_FREE_FACTOR,
      accountMaxDelay: ACCOUNT_MAX_DELAY,
    }),
    resetLimiter: createAttemptLimiter(attemptStore(), {
      keyPrefix: "reset",
      maxFailures: RESET_REQUESTS_PER_ADDRESS,
      maxFailuresPerNetwork: RESET_REQUESTS_PER_NETWORK,
      window: RESET_WINDOW,
      accountFreeAttempts: RESET_REQUESTS_PER_ADDRESS * 2,
      accountMaxDelay: ACCOUNT_MAX_DELAY,
    }),
    tokens: forgettingTokenWrites(tokenStore, userCache),
    pendingSignIns: createPendingSignInStore(database.db, now),
    devices: createDeviceTokens(config.authSecret, config.authSecretPrevious),
    mailer: createMailer(outbox, outboxSender, logger, {
      perRecipient: createQuota(quotaStore, { keyPrefix: "mail-recipient", ...MAILS_PER_RECIPIENT }),
      onSuppressed: (recipient) => auditLog.record({ event: "mail_suppressed", detail: recipient }),
    }),
    addressChanges: createQuota(quotaStore, { keyPrefix: "address-change", ...ADDRESS_CHANGES_PER_ACCOUNT }),
    signUps: createQuota(quotaStore, { keyPrefix: "signup", ...SIGN_UPS_PER_NETWORK }),
    revocationFeed,
    logger,
    metrics,
    traffic: createTrafficRecorder(),
    now,
  };
  registerMethods(services, methods);
  subscribeNotifications(services);
  const webhooks =
    config.webhook &&
    createWebhookDelivery(config.webhook, createWebhookStore(database.db, now), logger, now, options.webhookRetry);
  webhooks?.subscribe(services.events);
  try {
    for (const method of methods) await method.start?.(services);
  } catch (error) {
    if (ownsDatabase) await database.close();
    releaseLock();
    throw error;
  }
  await ensureInitialUser(services);
  const maintenance = createMaintenance(services);
  await maintenance.start();
  outboxSender.start();
  webhooks?.loop.start();
  // Before listening: a restarted instance honours the revocations of the last access-token lifetime.
  await revocationFeed.start();
  const keyReload = startSigningKeyReload(auth.signingKeys, config.jwksMaxAge, logger, options.signingKeyReloadTimer);
  if (options.announceFirstRunSetup !== false) await announceSetupAtStart(services);

  const contextFactory = createContextFactory(services);
  const handles = (target: string | undefined) =>
    handlesTarget(target) || methodRoutesFor(services, pathnameOf(target)) !== undefined;
  let closing: Promise<void> | undefined;
  return {
    services,
    events: { on: services.events.on },
    router: tollgateRouter,
    routers: {
      auth: tollgateRouter.auth,
      user: tollgateRouter.user,
      meta: tollgateRouter.meta,
      admin: tollgateRouter.admin,
    },
    procedures: {
      router,
      mergeRouters,
      publicProcedure,
      authedProcedure,
      userProcedure,
      protectedMutation,
      credentialProcedure,
    },
    limitedCheck,
    createContext: ({ req, resHeaders, info, clientAddress }) => {
      const problem = clientAddressProblem(
        clientAddress,
        config.trustProxy,
        req.headers.get("x-forwarded-for") ?? undefined,
      );
      if (problem) throw new TypeError(problem);
      return contextFactory(
        {
          request: readFetchRequest(req, clientAddress),
          responseHeaders: resHeaders,
          log: { procedure: undefined, userId: undefined },
        },
        info,
      );
    },
    // One pipeline per served router, over the one context factory; the adapters only carry it.
    nodeHandler: (served) =>
      createNodeHandler(createPipeline({ services, router: served, createContext: contextFactory }), handles),
    handles,
    fetchHandler: (served) =>
      createFetchHandler(createPipeline({ services, router: served, createContext: contextFactory })),
    close() {
      closing ??= (async () => {
        maintenance.stop();
        keyReload.stop();
        // Handlers of the last requests' events may still queue mail.
        await services.events.settle();
        await services.mailer.settle();
        await outboxSender.stop();
        await webhooks?.loop.stop();
        mailTransport.close();
        await revocationFeed.stop();
        await services.audit.flush();
        await services.signInLimiter.close();
        await services.resetLimiter.close();
        await quotaStore.close();
        if (ownsDatabase) await database.close();
        releaseLock();
      })();
      return closing;
    },
  };
}
