import { hookServices, methodsOf } from "./core/served-methods.js";
import type { Services } from "./services.js";
import { AUDIT_RETENTION_MS } from "./stores/audit-log.js";
import { createWebhookStore } from "./webhooks/webhook-store.js";

/** How often ended sessions and old audit entries are purged. */
const PURGE_INTERVAL_MS = 3_600_000;

export interface Maintenance {
  /** Runs the first round (awaited: start-up knows its password-timing state) and schedules the rest. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Background upkeep, hourly: sessions that ended over a week ago, audit
 * entries past their retention and link tokens used or expired a week ago are deleted, and the password hasher learns
 * whether imported Django hashes remain (their verification time is padded
 * onto every other sign-in until none do).
 */
export function createMaintenance(services: Services): Maintenance {
  const { auth, audit, users, logger } = services;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function legacyTiming(): Promise<void> {
    auth.passwords.setLegacyIterations(await users.legacyHashIterations());
  }

  async function purge(): Promise<void> {
    const weekAgo = new Date(services.now() - 7 * 86_400_000);
    const [sessions, entries] = await Promise.all([
      auth.sessions.purgeEnded(),
      audit.purgeOlderThan(new Date(services.now() - AUDIT_RETENTION_MS)),
      // Used or expired link tokens, and mails sent a week ago (their bodies hold links).
      services.tokens.purge(weekAgo),
      services.pendingSignIns.purge(new Date(services.now())),
      ...methodsOf(services).map((m) => m.hooks?.purge?.(hookServices(services), new Date(services.now()))),
      services.mailer.purgeSent(weekAgo),
      createWebhookStore(services.database.db).purgeFinished(weekAgo),
    ]);
    if (sessions > 0 || entries > 0) logger.info({ sessions, auditEntries: entries }, "ended sessions purged");
  }

  const round = () =>
    Promise.all([
      legacyTiming().catch((err: unknown) => logger.warn({ err }, "legacy hash check failed")),
      purge().catch((err: unknown) => logger.warn({ err }, "purge failed")),
    ]);

  return {
    async start() {
      await round();
      timer = setInterval(() => void round(), PURGE_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
