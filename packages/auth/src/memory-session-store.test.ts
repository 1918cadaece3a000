import { randomUUID } from "node:crypto";
import { createMemorySessionStore } from "./memory-session-store.js";
import { describeSessionStoreConformance } from "./testing/session-store-conformance.js";

describeSessionStoreConformance("memory", async () => ({
  store: createMemorySessionStore(),
  createUser: async () => randomUUID(),
}));
