// The packages Tollgate publishes, and packing them the way a registry would
// serve them. Shared by `pnpm check:packages` and the outside-app test, so both
// look at the same tarballs.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Library packages: name → folder. Apps, examples and bench stay private. */
export const libraries = [
  { name: "@tollgate/auth", dir: join(root, "packages/auth") },
  { name: "@tollgate/client-sdk", dir: join(root, "packages/client-sdk") },
  { name: "@tollgate/react", dir: join(root, "packages/react") },
  { name: "@tollgate/react-ui", dir: join(root, "packages/react-ui") },
  { name: "@tollgate/server", dir: join(root, "packages/server") },
  { name: "@tollgate/testing", dir: join(root, "packages/testing") },
];

/** Builds every library (turbo: cached when nothing changed), so a tarball never carries a stale dist. */
export function buildLibraries() {
  execFileSync("pnpm", ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
}

/**
 * `pnpm pack` of every library into `destination` (which must be empty):
 * pnpm applies publishConfig and turns `workspace:^` into version ranges, as
 * `pnpm publish` would. Returns name → absolute tarball path.
 */
export function packLibraries(destination) {
  const tarballs = new Map();
  for (const { name, dir } of libraries) {
    const before = new Set(readdirSync(destination));
    execFileSync("pnpm", ["pack", "--pack-destination", destination], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const made = readdirSync(destination).filter((file) => file.endsWith(".tgz") && !before.has(file));
    if (made.length !== 1) throw new Error(`pnpm pack of ${name} made ${made.length} tarballs`);
    tarballs.set(name, join(destination, made[0]));
  }
  return tarballs;
}
