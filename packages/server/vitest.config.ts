import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { integrationTests, sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  resolve: {
    ...sourceConditions.resolve,
    // From its sources, as tsconfig.json's paths say (no package dependency: @tollgate/testing depends on this package).
    alias: { "@tollgate/testing": fileURLToPath(new URL("../testing/src/index.ts", import.meta.url)) },
  },
  test: integrationTests,
});
