import { type Finding, SEVERITIES, type Severity } from "./finding.js";

const HEADINGS: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Notes" };

/** The report machines read (`--json`, `/healthz?verbose`). `ok`: no errors. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly counts: Record<Severity, number>;
  readonly findings: readonly Finding[];
}

export function doctorReport(findings: readonly Finding[]): DoctorReport {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return { ok: counts.error === 0, counts, findings };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The report for people: grouped by severity, each finding with its ID, fix and standard item. */
export function renderText(report: DoctorReport): string {
  const { counts } = report;
  const lines = [
    `tollgate doctor: ${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${plural(counts.info, "note")}`,
  ];
  if (report.findings.length === 0) lines.push("", "Every check passed.");
  for (const severity of SEVERITIES) {
    const group = report.findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    lines.push("", `${HEADINGS[severity]}:`);
    for (const finding of group) {
      lines.push(`  ${finding.id}  ${finding.message}`, `    fix: ${finding.fix}`, `    see: ${finding.standard}`);
    }
  }
  return lines.join("\n");
}
