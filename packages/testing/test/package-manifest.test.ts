import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Package names the published sources import (type-only imports too: they end up in the .d.ts files). */
function importedPackages(): Set<string> {
  const names = new Set<string>();
  const src = new URL("src/", root);
  for (const file of readdirSync(src).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(new URL(file, src), "utf8");
    for (const [, specifier = ""] of text.matchAll(/\bfrom\s+"([^"]+)"/g)) {
      if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
      const parts = specifier.split("/");
      names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
    }
  }
  return names;
}

it("every package the sources import reaches a host app; @tollgate/server is the app's own (a peer)", () => {
  const reachable = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  expect([...importedPackages()].filter((name) => !reachable.has(name))).toEqual([]);
  expect(manifest.peerDependencies).toHaveProperty("@tollgate/server");
  expect(manifest.dependencies ?? {}).not.toHaveProperty("@tollgate/server");
});
