import { clockChecks } from "./clock-checks.js";
import { cookieChecks } from "./cookie-checks.js";
import { deploymentChecks } from "./deployment-checks.js";
import type { CheckGroup, DoctorInput, Finding } from "./finding.js";
import { SEVERITIES } from "./finding.js";
import { mailChecks } from "./mail-checks.js";
import { originChecks } from "./origin-checks.js";
import { secretChecks } from "./secret-checks.js";
import { tokenChecks } from "./token-checks.js";

/** Every check, in the order findings of one severity are listed. A new group is one line here. */
export const CHECK_GROUPS: readonly CheckGroup[] = [
  secretChecks,
  cookieChecks,
  originChecks,
  mailChecks,
  tokenChecks,
  deploymentChecks,
  clockChecks,
];

/** The configuration the server refuses to start with (reported by the CLI, which never starts it). */
export const CONFIG_INVALID = "TG-CONFIG-INVALID";

/** Every ID the doctor may report. */
export const CHECK_IDS: readonly string[] = [CONFIG_INVALID, ...CHECK_GROUPS.flatMap((group) => group.ids)];

/** Runs every check; findings ordered by severity (errors first), then by group. */
export function runChecks(input: DoctorInput): Finding[] {
  const findings = CHECK_GROUPS.flatMap((group) => group.run(input));
  return SEVERITIES.flatMap((severity) => findings.filter((finding) => finding.severity === severity));
}
