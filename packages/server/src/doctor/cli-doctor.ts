import pg from "pg";
import { ConfigError, type Environment, parseConfig } from "../config.js";
import { isMemoryDataDir } from "../db/data-dir.js";
import { measureClockSkew } from "./clock-probe.js";
import { embeddedFactsForCli } from "./embedded-probe.js";
import type { Finding, LiveFacts } from "./finding.js";
import { CONFIG_INVALID, runChecks } from "./registry.js";
import { doctorReport, renderText } from "./render.js";
import { secretFindings } from "./secret-checks.js";

/** Exit codes of `tollgate doctor`: 1 when any finding is an error (so it fails a CI step), else 0. */
export const DOCTOR_EXIT_ERRORS = 1;

export interface DoctorCliOptions {
  readonly json: boolean;
  /** This machine's clock (injected by tests to play a skewed host). */
  readonly now?: () => number;
}

/** The variables whose refusal by the configuration has a check of its own: its ID and standard item. */
const OWN_REFUSALS: Readonly<Record<string, { id: string; standard: string }>> = {
  PUBLIC_ORIGIN: { id: "TG-PUBLIC-ORIGIN", standard: "ASVS 5.0 12.2.1, 3.5.1" },
};

/** Variables the secret checks read as given, so a refused secret is named by its own ID. */
const SECRET_VARIABLES = new Set(["AUTH_SECRET", "AUTH_SECRET_PREVIOUS"]);

function trimmed(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * A configuration the server refuses to start with: the server's own one-line
 * message as a finding. Parsing stops at the first bad variable, so the
 * secrets (the worst mistakes) are checked from the environment as given.
 */
function refusedConfiguration(env: Environment, error: ConfigError): Finding[] {
  const secrets = secretFindings(
    trimmed(env.AUTH_SECRET),
    (trimmed(env.AUTH_SECRET_PREVIOUS) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  if (secrets.length > 0 && error.variable !== undefined && SECRET_VARIABLES.has(error.variable)) return secrets;
  const own = error.variable === undefined ? undefined : OWN_REFUSALS[error.variable];
  const refusal: Finding = {
    id: own?.id ?? CONFIG_INVALID,
    severity: "error",
    message: `The server refuses to start: ${error.message}`,
    fix: `Fix ${error.variable ?? "the environment"} (see the configuration reference in the documentation), then run the doctor again for the other checks.`,
    standard: own?.standard ?? "—",
  };
  return [...secrets, refusal];
}

/** PostgreSQL's clock against ours, over one short-lived connection (no pool, no migration). */
async function postgresClock(databaseUrl: string, now: () => number): Promise<LiveFacts> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const skew = await measureClockSkew(async () => {
      const result = await client.query<{ now: Date }>("select clock_timestamp() as now");
      const row = result.rows[0];
      if (!row) throw new Error("select clock_timestamp() returned no row");
      return row.now;
    }, now);
    return { postgresClockSkewMs: skew };
  } catch (error) {
    return { postgresClockError: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

/** `tollgate doctor`: the environment's findings, as text or JSON, and the exit code. */
export async function runDoctorCli(
  env: Environment,
  options: DoctorCliOptions,
): Promise<{ output: string; exitCode: number }> {
  let findings: Finding[];
  try {
    const config = parseConfig(env);
    let live: LiveFacts = {};
    if (config.databaseUrl !== undefined) live = await postgresClock(config.databaseUrl, options.now ?? Date.now);
    else if (!isMemoryDataDir(config.dataDir)) live = { embedded: embeddedFactsForCli(config.dataDir) };
    findings = runChecks({ config, live });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    findings = refusedConfiguration(env, error);
  }
  const report = doctorReport(findings);
  return {
    output: options.json ? JSON.stringify(report, null, 2) : renderText(report),
    exitCode: report.ok ? 0 : DOCTOR_EXIT_ERRORS,
  };
}
