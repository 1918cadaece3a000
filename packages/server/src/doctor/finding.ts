import type { ParsedConfig } from "../config.js";

/**
 * What `tollgate doctor` and the metrics listener's `/healthz?verbose` report.
 * A finding has a stable ID (scripts and CI match on it, never on the
 * message), a severity (an error fails the doctor, a warning does not), one
 * line saying what is wrong, the fix, and the standard item it maps to.
 */
export type Severity = "error" | "warning" | "info";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix: string;
  /** ASVS 5.0 / NIST SP 800-63B / RFC 9700 / RFC 6265bis items. */
  readonly standard: string;
}

/** The configuration a check reads: parsed, with AUTH_SECRET possibly still missing (generated at start). */
export type DoctorConfig = Pick<
  ParsedConfig,
  | "production"
  | "host"
  | "databaseUrl"
  | "dataDir"
  | "authSecret"
  | "authSecretPrevious"
  | "publicOrigin"
  | "tokenAudience"
  | "accessTokenAlg"
  | "cookieSecure"
  | "cookieSameSite"
  | "corsOrigins"
  | "redisUrl"
  | "trustProxy"
  | "smtpUrl"
>;

/** What a running server saw in its recent requests (the metrics listener's view only; the CLI sees no traffic). */
export interface TrafficFacts {
  /** Requests looked at so far (the window the counts below are from). */
  readonly requests: number;
  /** Of them, how many carried X-Forwarded-For. */
  readonly forwarded: number;
  /** Of them, how many asked for /.well-known/jwks.json (other services looking for keys). */
  readonly jwksRequests: number;
}

/** The embedded database's directory, looked at on the disk. */
export interface EmbeddedFacts {
  /** The DATA_DIR's filesystem when it is a network one (nfs, cifs, …): undefined on a local disk. */
  readonly networkFileSystem: string | undefined;
  /** A running server only: DATA_DIR's lock no longer names this process (another server took it over). */
  readonly lockLost: boolean;
}

/** Facts a check cannot read from the configuration; each is undefined when it was not (or could not be) looked at. */
export interface LiveFacts {
  /** PostgreSQL's clock minus this machine's, milliseconds. */
  readonly postgresClockSkewMs?: number;
  /** Why the clock could not be compared (PostgreSQL unreachable). */
  readonly postgresClockError?: string;
  readonly embedded?: EmbeddedFacts;
  readonly traffic?: TrafficFacts;
}

export interface DoctorInput {
  readonly config: DoctorConfig;
  readonly live: LiveFacts;
}

/** One group of checks: the IDs it may report (for the docs' table and the tests), and the checks themselves. */
export interface CheckGroup {
  readonly ids: readonly string[];
  run(input: DoctorInput): readonly Finding[];
}
