import { defineConfig } from "vite";

export default defineConfig({
  // Build the SDK and the components from their TypeScript sources, as the rest of the workspace does.
  resolve: { conditions: ["tollgate-source", "module", "browser", "development|production"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // TanStack Query's "use client" lines mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: {
      // changeOrigin stays off (Vite's string shorthand turns it on): the server
      // must see the page's own Host beside the page's Origin, or it answers
      // 403 ORIGIN to every write, sign-in included.
      "/trpc": { target: process.env.TOLLGATE_API_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
