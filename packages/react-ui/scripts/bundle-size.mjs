// The bundle budget: what @tollgate/react-ui adds to a host app's bundle,
// minified and gzipped, with react, react-dom, TanStack Query and @tollgate/*
// left to the host (they are peers or already there). i18next is counted.
// Fails when over BUDGET_BYTES (README, "Bundle size", says the number).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

/** ~15 % over the 38.5 KiB measured when it was set (i18next ~16 KiB, both catalogues, the components). */
const BUDGET_BYTES = 44 * 1024;

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "tollgate-react-ui-size-"));
const external = (id) => /^(react|react-dom|@tanstack\/react-query|@tollgate\/)(\/|$)/.test(id);
try {
  await build({
    root,
    logLevel: "warn",
    configFile: false,
    resolve: { conditions: ["tollgate-source", "module", "browser", "production"] },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      lib: { entry: join(root, "src/index.ts"), formats: ["es"], fileName: "index" },
      rolldownOptions: { external },
    },
  });
  const bytes = gzipSync(readFileSync(join(outDir, "index.js")), { level: 9 }).length;
  const line = `@tollgate/react-ui: ${(bytes / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET_BYTES / 1024} KiB)`;
  if (bytes > BUDGET_BYTES) {
    console.error(`${line}: over budget`);
    process.exitCode = 1;
  } else {
    console.log(line);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
