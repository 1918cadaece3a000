import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  resolve: { conditions: ["tollgate-source", "module", "browser", "development|production"] },
  build: { outDir: "../../dist", emptyOutDir: true },
  server: { proxy: { "/trpc": "http://127.0.0.1:3000" } },
});
