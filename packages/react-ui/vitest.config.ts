import { defineConfig } from "vitest/config";
import { integrationTests, sourceConditions } from "../../vitest.shared.js";

export default defineConfig({ ...sourceConditions, test: integrationTests });
