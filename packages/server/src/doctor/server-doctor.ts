import { sql } from "kysely";
import { isMemoryDataDir } from "../db/data-dir.js";
import type { Services } from "../services.js";
import { measureClockSkew } from "./clock-probe.js";
import { embeddedFactsForServer, networkFileSystemOf } from "./embedded-probe.js";
import type { EmbeddedFacts, LiveFacts } from "./finding.js";
import { runChecks } from "./registry.js";
import { type DoctorReport, doctorReport } from "./render.js";

export interface ServerDoctorOptions {
  /** This app took DATA_DIR's lock (it opened the embedded database itself), so it can tell when the lock was taken from it. */
  readonly holdsDataDirLock: boolean;
}

function embeddedFacts(services: Services, options: ServerDoctorOptions): EmbeddedFacts | undefined {
  const { config, database } = services;
  if (database.kind !== "sqlite" || isMemoryDataDir(config.dataDir)) return undefined;
  if (options.holdsDataDirLock) return embeddedFactsForServer(config.dataDir);
  return { networkFileSystem: networkFileSystemOf(config.dataDir), lockLost: false };
}

/** The server's database clock (its own connection pool) against the server's clock (`services.now`). */
async function postgresClock(services: Services): Promise<LiveFacts> {
  if (services.database.kind !== "postgres") return {};
  try {
    const skew = await measureClockSkew(async () => {
      const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(services.database.db);
      const row = rows[0];
      if (!row) throw new Error("select clock_timestamp() returned no row");
      return new Date(row.now);
    }, services.now);
    return { postgresClockSkewMs: skew };
  } catch (error) {
    return { postgresClockError: (error as Error).message };
  }
}

/**
 * The doctor as a running server sees itself (`/healthz?verbose` on the
 * metrics listener): its configuration, its recent requests, its database's
 * clock and its DATA_DIR lock.
 */
export async function serverDoctorReport(services: Services, options: ServerDoctorOptions): Promise<DoctorReport> {
  const embedded = embeddedFacts(services, options);
  const live: LiveFacts = {
    ...(await postgresClock(services)),
    ...(embedded ? { embedded } : {}),
    traffic: services.traffic.facts(),
  };
  return doctorReport(runChecks({ config: services.config, live }));
}
