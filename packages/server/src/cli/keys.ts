import {
  type AsymmetricAlgorithm,
  rotateSigningKeys,
  SigningKeyAlgorithmError,
  type SigningKeyPhase,
  SigningKeyRotationError,
  type SigningKeyStore,
  signingKeyPhases,
} from "@tollgate/auth";
import type { CliConfig } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { defaultPromotionDelay, generatedSigningKeyStore, minimumPromotionDelay } from "../signing-keys.js";
import { CliError, type CommandIo, type Flags } from "./command-io.js";

/** What `keys:rotate` and `keys:status` need: the server's key store and the variables that time the rotation. */
export interface KeyCommandContext {
  /** The store the servers read (DATA_DIR/signing-keys.json or the database); throws CliError when it cannot be used. */
  store(): SigningKeyStore;
  /** ACCESS_TOKEN_ALG as the CLI sees it; HS256 (unset): rotate whatever algorithm the stored keys have. */
  readonly algorithm: "HS256" | AsymmetricAlgorithm;
  readonly accessTokenTtl: number;
  readonly jwksMaxAge: number;
  readonly now: () => number;
}

/** The CLI's key context: the store the servers of this DATABASE_URL / DATA_DIR read, on the wall clock. */
export function keyCommandContext(config: CliConfig, database: DatabaseHandle): KeyCommandContext {
  return {
    store() {
      if (config.accessTokenKeysConfigured) {
        throw new CliError(
          'The signing keys come from ACCESS_TOKEN_PRIVATE_JWKS: rotate them there (documentation, "Key and secret rotation")',
        );
      }
      try {
        return generatedSigningKeyStore(config, database);
      } catch (error) {
        throw error instanceof TypeError ? new CliError(error.message) : error;
      }
    },
    algorithm: config.accessTokenAlg,
    accessTokenTtl: config.accessTokenTtl,
    jwksMaxAge: config.jwksMaxAge,
    now: Date.now,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function delayFrom(flags: Flags, jwksMaxAge: number): number {
  const minimum = minimumPromotionDelay(jwksMaxAge);
  const given = flags.delay;
  if (given === undefined) return defaultPromotionDelay(jwksMaxAge);
  const delay = typeof given === "string" && /^\d+$/.test(given) ? Number(given) : Number.NaN;
  if (!(delay >= minimum)) {
    throw new CliError(
      `--delay must be a whole number of seconds of at least ${minimum} (JWKS_MAX_AGE ${jwksMaxAge} s, plus the servers' reload interval)`,
    );
  }
  return delay;
}

/** `pnpm cli keys:rotate [--delay SECONDS]`: publishes a next key that signs after the delay. */
export async function rotateKeys(flags: Flags, keys: KeyCommandContext, io: CommandIo): Promise<void> {
  const delaySeconds = delayFrom(flags, keys.jwksMaxAge);
  const now = keys.now();
  try {
    const { current, next, removed } = await rotateSigningKeys(keys.store(), {
      now,
      delaySeconds,
      ttlSeconds: keys.accessTokenTtl,
      ...(keys.algorithm !== "HS256" ? { algorithm: keys.algorithm } : {}),
    });
    io.print(`Published ${next.alg} key ${next.kid}; it signs from ${iso(next.activatesAt)} (in ${delaySeconds} s).`);
    io.print(
      `Key ${current.kid} then retires; it stays published and accepted until ${iso(next.activatesAt + keys.accessTokenTtl * 1000)} (ACCESS_TOKEN_TTL later).`,
    );
    if (removed.length > 0) io.print(`Deleted ${removed.length} key(s) retired long ago: ${removed.join(", ")}`);
  } catch (error) {
    if (error instanceof SigningKeyRotationError) throw new CliError(error.message);
    if (error instanceof SigningKeyAlgorithmError) {
      throw new CliError(`ACCESS_TOKEN_ALG is ${error.configured}, but the stored keys are ${error.stored} keys`);
    }
    throw error;
  }
}

function describe({ key, state, acceptedUntil }: SigningKeyPhase): string {
  if (state === "next") return `signs from ${iso(key.activatesAt)}`;
  if (state === "retired") return `accepted until ${iso(acceptedUntil ?? key.activatesAt)}`;
  return `signing since ${iso(key.activatesAt)}`;
}

/** `pnpm cli keys:status`: every key with its state, as the servers see it now. */
export async function keyStatus(keys: KeyCommandContext, io: CommandIo): Promise<void> {
  const now = keys.now();
  const phases = signingKeyPhases(await keys.store().list(), now, keys.accessTokenTtl);
  if (keys.algorithm === "HS256") {
    // HS256 has no key table: AUTH_SECRET signs, and rotating it means AUTH_SECRET_PREVIOUS.
    io.print(
      "ACCESS_TOKEN_ALG is HS256 (the default): access tokens are signed with AUTH_SECRET, no key pairs to rotate; " +
        "to change the secret without signing anyone out, put the old one in AUTH_SECRET_PREVIOUS.",
    );
    // Key pairs stored by servers that ran with EdDSA/ES256 (this shell may just lack ACCESS_TOKEN_ALG).
    if (phases.length > 0) io.print("Key pairs stored for ACCESS_TOKEN_ALG=EdDSA or ES256:");
  } else if (phases.length === 0) {
    io.print("No signing keys yet: the server generates one at its first start");
  }
  for (const phase of phases) {
    io.print(`${phase.state.padEnd(7)} ${phase.key.alg} ${phase.key.kid}  ${describe(phase)}`);
  }
}
