import { readFileSync } from "node:fs";
import { Application, type Context, Converter, DeclarationReflection, ReflectionKind } from "typedoc";
import { REPOSITORY } from "./repository.js";

/**
 * TypeDoc for every entry point each published package exports: the entry
 * points come from each package.json's `exports` (their "tollgate-source"
 * files), so a new subpath export gets its pages without touching this file.
 */

export const PUBLISHED_PACKAGES = ["auth", "server", "client-sdk", "react", "react-ui", "testing"] as const;

const REPO_ROOT = new URL("../../", import.meta.url);

interface ExportEntry {
  readonly "tollgate-source": string;
}

export interface EntryPoint {
  /** The import specifier: `@tollgate/client-sdk/passkey`. */
  readonly module: string;
  /** Absolute path of its source file. */
  readonly file: string;
}

/** Every (package, subpath) a user can import, with its source file. */
export function entryPoints(): EntryPoint[] {
  return PUBLISHED_PACKAGES.flatMap((dir) => {
    const packageUrl = new URL(`packages/${dir}/`, REPO_ROOT);
    const manifest = JSON.parse(readFileSync(new URL("package.json", packageUrl), "utf8")) as {
      name: string;
      exports: Record<string, ExportEntry>;
    };
    // Modules only: a stylesheet export (`@tollgate/react-ui/styles.css`) has no API to document.
    return Object.entries(manifest.exports)
      .filter(([, entry]) => /\.tsx?$/.test(entry["tollgate-source"]))
      .map(([subpath, entry]) => ({
        module: subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`,
        file: new URL(entry["tollgate-source"], packageUrl).pathname,
      }));
  });
}

/** Writes the API pages and typedoc-sidebar.json under `out` (docs/api). */
export async function generateApiReference(out: string): Promise<void> {
  const entries = entryPoints();
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((entry) => entry.file),
    entryPointStrategy: "resolve",
    tsconfig: new URL("docs/tsconfig.typedoc.json", REPO_ROOT).pathname,
    plugin: ["typedoc-plugin-markdown", "typedoc-vitepress-theme"],
    out,
    // docs:build runs from docs/, VitePress's root.
    docsRoot: new URL("docs/", REPO_ROOT).pathname,
    readme: "none",
    name: "API reference",
    // pnpm typecheck checks the types; TypeDoc only documents them.
    skipErrorChecking: true,
    excludePrivate: true,
    excludeInternal: true,
    hideGenerator: true,
    // Doc comments mention <label> and the like: escaped, or Vue would read them as tags.
    sanitizeComments: true,
    entryFileName: "index",
    sidebar: { autoConfiguration: true, format: "vitepress", pretty: true, collapsed: true },
    // Source links name the file on the repository's main branch, not whatever
    // remote the checkout has (a CI clone's origin is a local path).
    disableGit: true,
    displayBasePath: new URL(".", REPO_ROOT).pathname.replace(/\/$/, ""),
    sourceLinkTemplate: `${REPOSITORY}/blob/{gitRevision}/{path}#L{line}`,
    gitRevision: "main",
    logLevel: "Warn",
  } as Parameters<typeof Application.bootstrapWithPlugins>[0]);
  // Modules are named by their import specifier, not by their path under packages/.
  const byFile = new Map(entries.map((entry) => [entry.file, entry.module]));
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context: Context) => {
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      if (!(reflection instanceof DeclarationReflection)) continue;
      const file = reflection.sources?.[0]?.fullFileName;
      const name = file === undefined ? undefined : byFile.get(file);
      if (name !== undefined) reflection.name = name;
    }
  });
  const project = await app.convert();
  if (project === undefined) throw new Error("TypeDoc could not convert the packages' entry points");
  await app.generateOutputs(project);
}
