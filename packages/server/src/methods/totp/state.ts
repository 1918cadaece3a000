import { createTotpSecretWrap, type TotpSecretWrap } from "@tollgate/auth";
import type { Services } from "../../services.js";
import { createTotpStore, type TotpStore } from "./totp-store.js";

/** What the TOTP method keeps per Tollgate instance. */
export interface TotpState {
  readonly store: TotpStore;
  /** Encrypts TOTP secrets under a key derived from AUTH_SECRET (previous secrets still open them). */
  readonly secrets: TotpSecretWrap;
}

const states = new WeakMap<Services, TotpState>();

/** The TOTP state of the instance `services` belong to, made at its first use (a store holds no connection of its own). */
export function totpState(services: Services): TotpState {
  let state = states.get(services);
  if (!state) {
    state = {
      store: createTotpStore(services.database.db, services.now),
      secrets: createTotpSecretWrap(services.config.authSecret, services.config.authSecretPrevious),
    };
    states.set(services, state);
  }
  return state;
}
