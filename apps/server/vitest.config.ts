import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tollgate-source"] },
  test: {
    include: ["test/**/*.test.ts"],
    // PGlite takes seconds to start on a busy 2-core machine; one instance per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
