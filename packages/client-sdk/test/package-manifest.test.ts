import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Package names imported by the published sources, type-only imports included (they end up in the .d.ts files). */
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

describe("package manifest", () => {
  it("every package the sources (and so the published types) import reaches consumers", () => {
    const reachable = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const imported = importedPackages();
    expect(imported).toContain("@tollgate/server");
    expect([...imported].filter((name) => !reachable.has(name))).toEqual([]);
  });
});
