/**
 * How a user proved who they are, and how strong that proof is: plain data
 * and pure functions, so the server, resource servers and pages all read a
 * token's `amr` / `acr` the same way.
 *
 * `amr` values are RFC 8176's. `acr` is one of ASSURANCE_LEVELS, derived from
 * the set of *distinct* factor kinds in `amr`, never stored apart from it:
 * - "password": one factor (a password, or a one-time code alone);
 * - "two-factor": two different kinds (pwd + otp, pwd + hwk…): the same
 *   factor twice, or a mailed code standing in for both, is one kind;
 * - "phishing-resistant": a key bound to the origin (hwk or swk) with user
 *   verification (user): a passkey with UV alone counts as two factors.
 * A token or session without `amr` (issued before step-up existed) has no
 * level: it is below "password" and satisfies no step-up.
 */

/** RFC 8176 values Tollgate records. */
/** `fed`: another provider (OpenID Connect, OAuth 2) vouched for the user: one factor. */
export const AUTHENTICATION_METHOD_REFERENCES = ["pwd", "otp", "hwk", "swk", "fed", "user", "mfa"] as const;
export type Amr = (typeof AUTHENTICATION_METHOD_REFERENCES)[number];

/** Weakest first: a level satisfies every level before it. */
export const ASSURANCE_LEVELS = ["password", "two-factor", "phishing-resistant"] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

const KNOWN: ReadonlySet<string> = new Set(AUTHENTICATION_METHOD_REFERENCES);

export function isAmr(value: unknown): value is Amr {
  return typeof value === "string" && KNOWN.has(value);
}

export function isAssuranceLevel(value: unknown): value is AssuranceLevel {
  return typeof value === "string" && (ASSURANCE_LEVELS as readonly string[]).includes(value);
}

/**
 * The factor kinds a proof counts: "mfa" is a conclusion, never evidence, and
 * "user" (user verification) counts only with the key it unlocked.
 */
function factorKinds(amr: readonly Amr[]): Set<Amr> {
  return new Set(
    amr.filter((value) => value === "pwd" || value === "otp" || value === "hwk" || value === "swk" || value === "fed"),
  );
}

/** The level an `amr` reaches; undefined when it proves nothing (empty, or only "mfa"/"user"). */
export function assuranceLevelOf(amr: readonly Amr[]): AssuranceLevel | undefined {
  const kinds = factorKinds(amr);
  const boundKey = kinds.has("hwk") || kinds.has("swk");
  if (boundKey && amr.includes("user")) return "phishing-resistant";
  if (kinds.size >= 2) return "two-factor";
  return kinds.size === 1 ? "password" : undefined;
}

/** Whether `level` (undefined: none) is at least `required`. */
export function meetsLevel(level: AssuranceLevel | undefined, required: AssuranceLevel): boolean {
  return level !== undefined && ASSURANCE_LEVELS.indexOf(level) >= ASSURANCE_LEVELS.indexOf(required);
}

/**
 * The union of two proofs, in a stable order, with "mfa" added exactly when
 * the result reaches two factors (RFC 8176: multiple-factor authentication).
 */
export function combineAmr(...proofs: readonly (readonly Amr[])[]): Amr[] {
  const all = new Set<Amr>(proofs.flat().filter((value) => value !== "mfa"));
  const ordered = AUTHENTICATION_METHOD_REFERENCES.filter((value) => all.has(value));
  const level = assuranceLevelOf(ordered);
  return level && level !== "password" ? [...ordered, "mfa"] : ordered;
}
