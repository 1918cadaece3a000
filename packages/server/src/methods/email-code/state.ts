import { emailCodeKeys } from "@tollgate/auth";
import type { Services } from "../../services.js";
import { createEmailCodeStore, type EmailCodeStore } from "./store.js";
import { emailCodeTables } from "./tables.js";

const stores = new WeakMap<Services, EmailCodeStore>();

/** The mail-code store of the instance `services` belong to, made at its first use (no connection of its own). */
export function emailCodeStore(services: Services): EmailCodeStore {
  let store = stores.get(services);
  if (!store) {
    const { authSecret, authSecretPrevious } = services.config;
    store = createEmailCodeStore(
      emailCodeTables(services.database),
      emailCodeKeys(authSecret, authSecretPrevious),
      services.now,
    );
    stores.set(services, store);
  }
  return store;
}
