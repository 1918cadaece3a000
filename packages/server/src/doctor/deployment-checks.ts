import { isMemoryDataDir } from "../db/data-dir.js";
import type { CheckGroup, DoctorInput, Finding } from "./finding.js";

/**
 * Several servers on one embedded database. The DATA_DIR lock keeps a second
 * server off on one machine, but it names a process id, which means nothing
 * on another machine or in another container: on a network filesystem two
 * hosts each take it (and SQLite's WAL mode needs shared memory on one host,
 * so the file itself is at risk), and a running server notices when the lock
 * it took now names someone else.
 */
function embeddedShared({ config, live }: DoctorInput): Finding[] {
  if (config.databaseUrl !== undefined || isMemoryDataDir(config.dataDir) || !live.embedded) return [];
  const { networkFileSystem, lockLost } = live.embedded;
  if (!networkFileSystem && !lockLost) return [];
  const message = lockLost
    ? `Another server took over the lock of DATA_DIR ${config.dataDir}: two servers run on one embedded database`
    : `DATA_DIR ${config.dataDir} is on a network filesystem (${networkFileSystem}): servers on several machines would share the embedded database, which SQLite's WAL mode does not support, and the DATA_DIR lock cannot see them`;
  return [
    {
      id: "TG-EMBEDDED-SHARED",
      severity: "error",
      message,
      fix: "Run one server per DATA_DIR on a local disk, or several with DATABASE_URL (PostgreSQL) and REDIS_URL.",
      standard: "ASVS 5.0 6.3.1, 7.4.1",
    },
  ];
}

/**
 * DATABASE_URL exists to run several instances; without REDIS_URL each keeps
 * its own sign-in counts in memory, so N instances allow N times the
 * attempts (and a restart forgets them).
 */
function memoryRateLimits({ config }: DoctorInput): Finding[] {
  if (config.databaseUrl === undefined || config.redisUrl !== undefined) return [];
  return [
    {
      id: "TG-RATE-LIMIT-MEMORY",
      severity: "warning",
      message:
        "DATABASE_URL is set but REDIS_URL is not: each instance counts sign-in attempts in its own memory, so several instances multiply the limits and a restart resets them",
      fix: "Set REDIS_URL (the same Redis for every instance); one instance only: this can stay.",
      standard: "ASVS 5.0 6.3.1; NIST SP 800-63B §5.2.2",
    },
  ];
}

export const deploymentChecks: CheckGroup = {
  ids: ["TG-EMBEDDED-SHARED", "TG-RATE-LIMIT-MEMORY"],
  run: (input) => [...embeddedShared(input), ...memoryRateLimits(input)],
};
