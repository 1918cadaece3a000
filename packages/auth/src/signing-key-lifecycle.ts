import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { AsymmetricAlgorithm, SigningKeyStore, StoredSigningKey } from "./signing-key-store.js";

/** Instances of one deployment may disagree on the time by this much. */
export const CLOCK_SKEW_SECONDS = 5;
/**
 * A retired key stays in storage this long after its grace, so a rotation run
 * with a shorter ACCESS_TOKEN_TTL than the servers' cannot delete a key they still accept.
 */
const PRUNE_MARGIN_MS = 24 * 3600_000;

/**
 * - next: published, accepted, not yet signing (resource servers learn it before its first token);
 * - current: signs;
 * - retired: published and accepted until its last token has expired.
 */
export type SigningKeyState = "current" | "next" | "retired";

export interface SigningKeyPhase {
  readonly key: StoredSigningKey;
  readonly state: SigningKeyState;
  /** Retired keys: when the next key took over (epoch ms). */
  readonly retiredAt?: number;
  /** Retired keys: accepted and published until then (epoch ms): retiredAt + ACCESS_TOKEN_TTL + clock skew. */
  readonly acceptedUntil?: number;
}

function byActivation(a: StoredSigningKey, b: StoredSigningKey): number {
  return a.activatesAt - b.activatesAt || a.generation - b.generation;
}

/** When a retired key's last token has expired, allowing for instances whose clocks lag. */
function graceEnd(retiredAt: number, ttlSeconds: number): number {
  return retiredAt + (ttlSeconds + CLOCK_SKEW_SECONDS) * 1000;
}

/**
 * Every key's state at `now`: current first, then next keys (soonest first),
 * then retired ones (newest first). Retired keys past their grace are left out.
 */
export function signingKeyPhases(
  keys: readonly StoredSigningKey[],
  now: number,
  ttlSeconds: number,
): SigningKeyPhase[] {
  const sorted = [...keys].sort(byActivation);
  const active = sorted.filter((k) => k.activatesAt <= now);
  const phases: SigningKeyPhase[] = [];
  const current = active.at(-1);
  if (current) phases.push({ key: current, state: "current" });
  for (const key of sorted) if (key.activatesAt > now) phases.push({ key, state: "next" });
  for (let i = active.length - 2; i >= 0; i--) {
    const key = active[i] as StoredSigningKey;
    const retiredAt = (active[i + 1] as StoredSigningKey).activatesAt;
    const acceptedUntil = graceEnd(retiredAt, ttlSeconds);
    if (now < acceptedUntil) phases.push({ key, state: "retired", retiredAt, acceptedUntil });
  }
  return phases;
}

/** A fresh key pair (jose), as storage keeps it; the kid is the RFC 7638 thumbprint of its public key. */
export async function generateSigningKey(
  alg: AsymmetricAlgorithm,
  place: { generation: number; createdAt: number; activatesAt: number },
): Promise<StoredSigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  return { kid, alg, privateJwk: { ...privateJwk, kid }, ...place };
}

/** Something an operator must resolve before rotating (the message says what). */
export class SigningKeyRotationError extends Error {
  override readonly name = "SigningKeyRotationError";
}

/** Stored keys are of another algorithm than the configured one. */
export class SigningKeyAlgorithmError extends TypeError {
  override readonly name = "SigningKeyAlgorithmError";
  constructor(
    readonly stored: string,
    readonly configured: AsymmetricAlgorithm,
  ) {
    super(`the stored signing keys are ${stored} keys, not ${configured}`);
  }
}

const nextGeneration = (keys: readonly StoredSigningKey[]) => Math.max(0, ...keys.map((k) => k.generation)) + 1;

/**
 * At start: makes sure a key signs now, generating the first one (current at
 * once: nobody can hold a token of this deployment yet). Two instances
 * starting together on an empty store both try generation 1; one wins, the
 * other takes its key.
 */
export async function ensureSigningKey(
  store: SigningKeyStore,
  options: { algorithm: AsymmetricAlgorithm; now: number; ttlSeconds: number },
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const keys = await store.list();
    const phases = signingKeyPhases(keys, options.now, options.ttlSeconds);
    const other = phases.find((p) => p.key.alg !== options.algorithm);
    if (other) throw new SigningKeyAlgorithmError(other.key.alg, options.algorithm);
    if (phases.some((p) => p.state === "current")) return;
    if (store.readOnly) throw new TypeError("no configured signing key is current");
    const key = await generateSigningKey(options.algorithm, {
      generation: nextGeneration(keys),
      createdAt: options.now,
      activatesAt: options.now,
    });
    if (await store.add(key)) return;
  }
  throw new Error("could not store a first signing key (other writers kept winning)");
}

export interface RotationOptions {
  readonly now: number;
  /** Seconds from publication to signing: at least as long as resource servers cache the JWKS. */
  readonly delaySeconds: number;
  readonly ttlSeconds: number;
  /** When set, the current key must be of this algorithm (the new one always is the current's). */
  readonly algorithm?: AsymmetricAlgorithm;
}

export interface RotationResult {
  readonly current: StoredSigningKey;
  readonly next: StoredSigningKey;
  /** Kids of retired keys deleted (a day past their grace). */
  readonly removed: readonly string[];
}

/**
 * Publishes a next key that becomes current `delaySeconds` from now; the
 * current one then retires and is accepted for ACCESS_TOKEN_TTL more. Nothing
 * is written at the switch: each instance sees it on its own clock.
 */
export async function rotateSigningKeys(store: SigningKeyStore, options: RotationOptions): Promise<RotationResult> {
  if (store.readOnly) {
    throw new SigningKeyRotationError("The signing keys come from configuration: rotate them where they are set");
  }
  const keys = await store.list();
  const phases = signingKeyPhases(keys, options.now, options.ttlSeconds);
  const current = phases.find((p) => p.state === "current")?.key;
  if (!current) throw new SigningKeyRotationError("No signing key yet: the server generates one at its first start");
  if (options.algorithm && current.alg !== options.algorithm) {
    throw new SigningKeyAlgorithmError(current.alg, options.algorithm);
  }
  const pending = phases.find((p) => p.state === "next")?.key;
  if (pending) {
    throw new SigningKeyRotationError(
      `Key ${pending.kid} is already published and becomes current at ${new Date(pending.activatesAt).toISOString()}; rotate again after that`,
    );
  }
  const next = await generateSigningKey(current.alg, {
    generation: nextGeneration(keys),
    createdAt: options.now,
    activatesAt: options.now + options.delaySeconds * 1000,
  });
  if (!(await store.add(next))) {
    throw new SigningKeyRotationError("Another rotation stored a key meanwhile; run the command again");
  }
  const sorted = [...keys].sort(byActivation);
  const removed = sorted
    .filter((_key, i) => {
      const successor = sorted[i + 1];
      return (
        successor !== undefined &&
        successor.activatesAt <= options.now &&
        options.now >= graceEnd(successor.activatesAt, options.ttlSeconds) + PRUNE_MARGIN_MS
      );
    })
    .map((k) => k.kid);
  if (removed.length > 0) await store.remove(removed);
  return { current, next, removed };
}
