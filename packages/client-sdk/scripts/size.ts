/** Minified + gzipped size of the browser entry, without @trpc/client (which apps already ship). */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const result = await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  // Workspace packages resolve to their sources, as in tests.
  conditions: ["tollgate-source"],
  write: false,
  external: ["@trpc/client", "@trpc/server", "@trpc/server/*"],
});
const code = result.outputFiles[0]?.contents ?? new Uint8Array();
console.log(`${code.byteLength} B minified, ${gzipSync(code).byteLength} B gzipped (without @trpc/client)`);
