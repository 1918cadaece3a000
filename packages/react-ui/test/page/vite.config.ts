import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The Chromium tests' page, built from the package's TypeScript sources.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { conditions: ["tollgate-source", "module", "browser", "development|production"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      // TanStack Query's "use client" lines mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  logLevel: "warn",
});
