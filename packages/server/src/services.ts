import type { Auth, DeviceTokens } from "@tollgate/auth";
import type { Logger } from "pino";
import type { Quota } from "./abuse-limits.js";
import type { ServerConfig } from "./config.js";
import type { UserCache } from "./core/user-cache.js";
import type { DatabaseHandle } from "./db/client.js";
import type { TrafficRecorder } from "./doctor/traffic-recorder.js";
import type { EventBus } from "./events/bus.js";
import type { Mailer } from "./mail/mailer.js";
import type { Metrics } from "./metrics/metrics.js";
import type { AttemptLimiter } from "./rate-limit/rate-limiter.js";
import type { RevocationFeed } from "./revocations/feed.js";
import type { AccountTokenStore } from "./stores/account-token-store.js";
import type { AuditLog } from "./stores/audit-log.js";
import type { PendingSignInStore } from "./stores/pending-sign-in-store.js";
import type { RefreshSubject } from "./stores/refresh-subject.js";
import type { UserStore } from "./stores/user-store.js";

/**
 * Everything a request handler may use, built once per app by createApp.
 * Sessions are reached only through `auth.sessions`, which owns the rules
 * (liveness, rotation, revocation); the raw session store stays inside.
 */
export interface Services {
  readonly config: ServerConfig;
  readonly database: DatabaseHandle;
  readonly auth: Auth;
  readonly users: UserStore;
  /**
   * user.me's and userProcedure's reads of a user, from memory while the
   * change feed is live (see core/user-cache.ts); never for credential checks.
   */
  readonly userCache: UserCache;
  /** auth.refresh: a refresh token's session and its user in one read (stores/refresh-subject.ts). */
  readonly refreshSubjects: (lookupHash: string) => Promise<RefreshSubject | undefined>;
  readonly audit: AuditLog;
  /** Security events for apps (tollgate.events) and webhooks, emitted with each audit entry. */
  readonly events: EventBus;
  readonly signInLimiter: AttemptLimiter;
  /** auth.requestPasswordReset: per address and per client network. */
  readonly resetLimiter: AttemptLimiter;
  /** Signs and reads known-device cookies (a key derived from AUTH_SECRET; previous secrets read). */
  readonly devices: DeviceTokens;
  /** user.updateProfile: new addresses asked for, per account (hour and day). */
  readonly addressChanges: Quota;
  /** auth.signUp: accounts made, per client network (hour and day). */
  readonly signUps: Quota;
  /** Single-use tokens of mailed links. */
  readonly tokens: AccountTokenStore;
  /** Sign-ins waiting for a second factor. */
  readonly pendingSignIns: PendingSignInStore;
  /** Mail through the outbox. */
  readonly mailer: Mailer;
  /** Other processes' revocations into `auth.revocations` (LISTEN/NOTIFY, or polling the embedded database). */
  readonly revocationFeed: RevocationFeed;
  readonly logger: Logger;
  /** Prometheus metrics (no-ops unless METRICS_PORT is set). */
  readonly metrics: Metrics;
  /** Flags of the recent requests the doctor reads (X-Forwarded-For seen, JWKS asked for). */
  readonly traffic: TrafficRecorder;
  /** Epoch ms; injectable so tests can move time. */
  readonly now: () => number;
}
