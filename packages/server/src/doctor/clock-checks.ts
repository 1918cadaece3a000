import type { CheckGroup, DoctorInput, Finding } from "./finding.js";

/**
 * Access tokens are checked with 5 s of leeway (exp, nbf), and instances on
 * one PostgreSQL compare the times they write with their own clocks
 * (expiries, lockouts, key switch-overs): a clock off by more than the
 * leeway refuses fresh tokens or accepts expired ones. Over a second is
 * worth a look already (NTP keeps clocks within milliseconds).
 */
export const CLOCK_SKEW_ERROR_MS = 5000;
export const CLOCK_SKEW_WARNING_MS = 1000;

const FIX = "Run NTP (chrony, systemd-timesyncd) on this machine and on the PostgreSQL host.";
const STANDARD = "ASVS 5.0 9.2.1";

function clockSkew({ live }: DoctorInput): Finding[] {
  if (live.postgresClockError !== undefined) {
    return [
      {
        id: "TG-DATABASE-UNREACHABLE",
        severity: "error",
        message: `PostgreSQL (DATABASE_URL) could not be reached, so its clock was not compared: ${live.postgresClockError}`,
        fix: "Check DATABASE_URL, the network and PostgreSQL itself; run the doctor again.",
        standard: STANDARD,
      },
    ];
  }
  const skew = live.postgresClockSkewMs;
  if (skew === undefined || Math.abs(skew) <= CLOCK_SKEW_WARNING_MS) return [];
  const direction = skew > 0 ? "ahead of" : "behind";
  return [
    {
      id: "TG-CLOCK-SKEW",
      severity: Math.abs(skew) > CLOCK_SKEW_ERROR_MS ? "error" : "warning",
      message: `PostgreSQL's clock is ${(Math.abs(skew) / 1000).toFixed(1)} s ${direction} this machine's (tokens allow ${CLOCK_SKEW_ERROR_MS / 1000} s of skew)`,
      fix: FIX,
      standard: STANDARD,
    },
  ];
}

export const clockChecks: CheckGroup = { ids: ["TG-CLOCK-SKEW", "TG-DATABASE-UNREACHABLE"], run: clockSkew };
