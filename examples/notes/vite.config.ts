import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  resolve: { conditions: ["tollgate-source", "module", "browser", "development|production"] },
  build: { outDir: "../../dist", emptyOutDir: true },
  server: {
    proxy: {
      // changeOrigin stays off (Vite's string shorthand turns it on): the server
      // must see the page's own Host beside the page's Origin, or it answers
      // 403 ORIGIN to every write, sign-in included.
      "/trpc": { target: process.env.TOLLGATE_API_URL ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
