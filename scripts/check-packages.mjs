// `pnpm check:packages` (builds first, turbo-cached): every library as a registry
// would serve it. Each is packed with `pnpm pack`, then checked:
// - publint (strict): the manifest's files, exports and fields are right;
// - attw, profile esm-only (the packages are ESM only): every entry's types
//   resolve under node16 and bundler resolution;
// - the packed manifest names no workspace: range and no source-only
//   condition, and ships the root LICENSE.
// Exits non-zero, naming the package, on the first problem.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLibraries, libraries, packLibraries, root } from "./library-packages.mjs";

const bin = (name) => join(root, "node_modules/.bin", name);
const fail = (message) => {
  console.error(`check:packages: ${message}`);
  process.exit(1);
};

/** package.json of a tarball, read with tar (no unpacking to disk). */
function packedFile(tarball, file) {
  return execFileSync("tar", ["-xzOf", tarball, `package/${file}`]).toString();
}

function checkManifest(name, tarball) {
  const manifest = JSON.parse(packedFile(tarball, "package.json"));
  const text = JSON.stringify(manifest);
  if (text.includes("workspace:")) fail(`${name}: the packed package.json still has a workspace: range`);
  if (text.includes("tollgate-source")) fail(`${name}: the packed exports still name the tollgate-source condition`);
  if (manifest.private) fail(`${name}: is private`);
  for (const field of ["license", "repository", "engines", "files", "exports"]) {
    if (!manifest[field]) fail(`${name}: package.json has no "${field}"`);
  }
  if (packedFile(tarball, "LICENSE") !== readFileSync(join(root, "LICENSE"), "utf8")) {
    fail(`${name}: its LICENSE differs from the root LICENSE (copy it again)`);
  }
  if (!packedFile(tarball, "README.md").trim()) fail(`${name}: its README.md is empty`);
}

const destination = mkdtempSync(join(tmpdir(), "tollgate-packs-"));
try {
  buildLibraries();
  const tarballs = packLibraries(destination);
  for (const { name } of libraries) {
    const tarball = tarballs.get(name);
    console.log(`\n-- ${name}`);
    checkManifest(name, tarball);
    try {
      execFileSync(bin("publint"), ["run", tarball, "--strict"], { stdio: "inherit" });
      execFileSync(bin("attw"), [tarball, "--profile", "esm-only", "--no-emoji"], {
        stdio: "inherit",
      });
    } catch {
      fail(`${name}: publint or attw found a problem (above)`);
    }
  }
  console.log(`\ncheck:packages: ${libraries.length} packages pass publint and attw`);
} finally {
  rmSync(destination, { recursive: true, force: true });
}
