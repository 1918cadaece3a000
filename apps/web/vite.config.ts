import { defineConfig } from "vite";

export default defineConfig({
  // Build the SDK from its TypeScript source, as the rest of the workspace does.
  resolve: { conditions: ["tollgate-source", "module", "browser", "development|production"] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: { proxy: { "/trpc": "http://127.0.0.1:3000" } },
});
