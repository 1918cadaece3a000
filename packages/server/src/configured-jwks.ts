import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import type { AsymmetricAlgorithm, PrivateJwk } from "@tollgate/auth";

/**
 * ACCESS_TOKEN_PRIVATE_JWKS: signing keys given by the environment as a JSON
 * JWK set. Checked while the configuration is parsed (pure: no files, no
 * network), so a bad key stops the start with one line naming the variable.
 * Node's key parser tells whether each `d` is a private key of the configured
 * algorithm; signing itself is jose's.
 */

const KIND: Record<AsymmetricAlgorithm, { type: string; curve?: string; label: string }> = {
  EdDSA: { type: "ed25519", label: "an Ed25519 private key (OKP, crv Ed25519)" },
  ES256: { type: "ec", curve: "prime256v1", label: "a P-256 private key (EC, crv P-256)" },
};

/** The keys, or a message (completing "ACCESS_TOKEN_PRIVATE_JWKS …") saying what is wrong. */
export function parseConfiguredJwks(text: string, alg: AsymmetricAlgorithm): PrivateJwk[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'must be a JSON Web Key Set: {"keys":[…]}';
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return 'must be a JSON Web Key Set: {"keys":[…]}';
  if (keys.length === 0) return "must hold at least one key";
  const kids = new Set<string>();
  const result: PrivateJwk[] = [];
  for (const [index, key] of keys.entries()) {
    const checked = checkKey(key, alg, `key ${index}`);
    if (typeof checked === "string") return checked;
    if (checked.kid !== undefined) {
      if (kids.has(checked.kid)) return `has two keys with kid ${JSON.stringify(checked.kid)}`;
      kids.add(checked.kid);
    }
    result.push(checked);
  }
  return result;
}

function checkKey(key: unknown, alg: AsymmetricAlgorithm, name: string): PrivateJwk | string {
  if (typeof key !== "object" || key === null || Array.isArray(key)) return `${name} is not a JSON object`;
  const jwk = key as PrivateJwk;
  if (typeof jwk.d !== "string") return `${name} has no private part (d): give private keys`;
  if (jwk.kid !== undefined && (typeof jwk.kid !== "string" || jwk.kid.length === 0 || jwk.kid.length > 256)) {
    return `${name} has a kid that is not a string of 1 to 256 characters`;
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) return `${name} is for ${String(jwk.alg)}, not ACCESS_TOKEN_ALG=${alg}`;
  if (jwk.use !== undefined && jwk.use !== "sig") return `${name} has use ${String(jwk.use)}, not sig`;
  const kind = KIND[alg];
  let derived: JsonWebKey;
  try {
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    if (privateKey.asymmetricKeyType !== kind.type || (kind.curve && curve !== kind.curve)) throw new Error();
    derived = createPublicKey(privateKey).export({ format: "jwk" });
  } catch {
    return `${name} is not ${kind.label} as ACCESS_TOKEN_ALG=${alg} needs`;
  }
  if (jwk.x !== derived.x || jwk.y !== derived.y) {
    return `${name}: its public members (x, y) do not belong to its private key (d)`;
  }
  return jwk;
}
