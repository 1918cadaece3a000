import type { Services } from "../../services.js";
import { createPasskeyStore, type PasskeyStore } from "./store.js";
import { passkeyTables } from "./tables.js";

const stores = new WeakMap<Services, PasskeyStore>();

/** The passkey store of the instance `services` belong to, made at its first use (it holds no connection of its own). */
export function passkeyStore(services: Services): PasskeyStore {
  let store = stores.get(services);
  if (!store) {
    store = createPasskeyStore(passkeyTables(services.database), services.now);
    stores.set(services, store);
  }
  return store;
}
