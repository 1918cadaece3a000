import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function profileDir(): string {
  return mkdtempSync(join(tmpdir(), "tollgate-prof-"));
}

/** The largest self-time entries of the one .cpuprofile in `dir`, as markdown table rows. */
export function summarizeProfile(dir: string, top = 10): string[] {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) return ["(no profile written)"];
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byId.get(id)?.callFrame;
    const where = frame?.url ? `${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}` : "";
    const key = `${frame?.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, micros]) =>
        `| \`${name.replaceAll("|", "/")}\` | ${(micros / 1000).toFixed(0)} | ${((100 * micros) / total).toFixed(1)} % |`,
    );
}
