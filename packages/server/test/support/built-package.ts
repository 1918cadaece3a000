import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const packagesDir = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Builds a workspace package (`tsc -p tsconfig.build.json`) unless its dist
 * already holds `entry`. `pnpm build` (CI) builds them first; this makes a
 * lone run of a test that needs the built JavaScript work from a clean clone.
 */
export function ensureBuilt(packageName: "auth" | "server", entry: string): string {
  const dir = `${packagesDir}${packageName}`;
  const built = `${dir}/${entry}`;
  if (!existsSync(built)) {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: dir,
      stdio: "inherit",
    });
  }
  return built;
}
