import { join } from "node:path";
import {
  type AsymmetricAlgorithm,
  createConfiguredSigningKeyStore,
  createSigningKeyWrap,
  type PrivateJwk,
  SigningKeyAlgorithmError,
  type SigningKeyRing,
  type SigningKeyStore,
} from "@tollgate/auth";
import type { Logger } from "pino";
import type { DatabaseHandle } from "./db/client.js";
import { isMemoryDataDir } from "./db/data-dir.js";
import { createFileSigningKeyStore, SIGNING_KEY_FILE } from "./signing-key-file.js";
import { createKyselySigningKeyStore } from "./stores/signing-key-store.js";

/**
 * Where an asymmetric deployment keeps its signing keys, and how its instances
 * learn of a rotation:
 * - ACCESS_TOKEN_PRIVATE_JWKS: the environment (read-only; the first key signs);
 * - PostgreSQL (several instances): the signing_keys table, private keys
 *   encrypted under AUTH_SECRET, so every instance and the CLI share one set;
 * - the embedded database: DATA_DIR/signing-keys.json (0600), generated at the
 *   first start; `DATA_DIR=memory://`: the in-memory database's table.
 */
export function signingKeyLocation(config: SigningKeyConfig, kind: string): string {
  if (config.accessTokenPrivateJwks) return "ACCESS_TOKEN_PRIVATE_JWKS";
  if (kind === "postgres" || isMemoryDataDir(config.dataDir)) return "the signing_keys table";
  return join(config.dataDir, SIGNING_KEY_FILE);
}

export interface SigningKeyConfig {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly accessTokenAlg: "HS256" | AsymmetricAlgorithm;
  readonly accessTokenPrivateJwks?: readonly PrivateJwk[] | undefined;
  readonly authSecret: string | undefined;
  readonly authSecretPrevious: readonly string[];
}

/** The store for this configuration; undefined with HS256 (keys derived from AUTH_SECRET). */
export function signingKeyStoreFor(config: SigningKeyConfig, database: DatabaseHandle): SigningKeyStore | undefined {
  const alg = config.accessTokenAlg;
  if (alg === "HS256") return undefined;
  if (config.accessTokenPrivateJwks) return createConfiguredSigningKeyStore(config.accessTokenPrivateJwks, alg);
  return generatedSigningKeyStore(config, database);
}

/** Where generated keys live (the server at its first start, `pnpm cli keys:rotate`): the database or DATA_DIR. */
export function generatedSigningKeyStore(
  config: Pick<SigningKeyConfig, "dataDir" | "authSecret" | "authSecretPrevious">,
  database: DatabaseHandle,
): SigningKeyStore {
  if (database.kind === "postgres" || isMemoryDataDir(config.dataDir)) {
    if (!config.authSecret) {
      throw new TypeError("AUTH_SECRET is required: the signing keys in the database are encrypted with it");
    }
    return createKyselySigningKeyStore(database.db, createSigningKeyWrap(config.authSecret, config.authSecretPrevious));
  }
  return createFileSigningKeyStore(config.dataDir);
}

/** How often a server reads its key set again (a rotation by the CLI or another instance): at most every max-age. */
export function keyReloadSeconds(jwksMaxAge: number): number {
  return Math.min(30, jwksMaxAge);
}

/**
 * The shortest safe delay between publishing a next key and signing with it:
 * every instance has reloaded it, and every resource server that honours the
 * JWKS max-age has fetched it since.
 */
export function minimumPromotionDelay(jwksMaxAge: number): number {
  return jwksMaxAge + keyReloadSeconds(jwksMaxAge);
}

/** The default delay of `pnpm cli keys:rotate`: twice the max-age (10 minutes by default, as long as jose caches a JWKS). */
export function defaultPromotionDelay(jwksMaxAge: number): number {
  return Math.max(2 * jwksMaxAge, minimumPromotionDelay(jwksMaxAge));
}

/**
 * Runs `task` every `intervalMs` until stopped. The reload's timer: by default
 * the wall clock's setInterval; a test passes one its own clock drives, and
 * awaits the task to know the keys have been read.
 */
export type RepeatTimer = (task: () => Promise<void>, intervalMs: number) => { stop(): void };

/** setInterval that never keeps the process alive. */
const wallClockRepeat: RepeatTimer = (task, intervalMs) => {
  const timer = setInterval(() => void task(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

/** Reads the key set again every few seconds; a failed read keeps the keys it had (logged). */
export function startSigningKeyReload(
  ring: SigningKeyRing | undefined,
  jwksMaxAge: number,
  logger: Logger,
  repeat: RepeatTimer = wallClockRepeat,
): { stop(): void } {
  if (!ring) return { stop() {} };
  return repeat(
    () => ring.reload().catch((err: unknown) => logger.warn({ err }, "signing keys could not be read again")),
    keyReloadSeconds(jwksMaxAge) * 1000,
  );
}

/** A start failure over signing keys, as one line naming what to change. */
export function describeSigningKeyError(error: unknown, location: string): unknown {
  if (error instanceof SigningKeyAlgorithmError) {
    return new Error(
      `ACCESS_TOKEN_ALG is ${error.configured}, but ${location} holds ${error.stored} keys: changing the algorithm needs new keys (documentation, "Key and secret rotation")`,
      { cause: error },
    );
  }
  if (error instanceof TypeError) return new Error(`Signing keys in ${location}: ${error.message}`, { cause: error });
  return error;
}
