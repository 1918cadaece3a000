import { MIN_SECRET_BYTES } from "@tollgate/auth";
import type { CheckGroup, DoctorConfig, Finding } from "./finding.js";

/**
 * Values that are somebody's example, not a secret. Neither the documentation nor
 * any example in the repository shows a literal AUTH_SECRET (they say
 * `openssl rand -base64 48`), so these are the placeholders other stacks'
 * .env.example files and tutorials carry, compared after lowercasing and
 * dropping everything but letters and digits ("Change-Me!" is "changeme").
 * Words of seven letters or more: a random secret holds one by chance far
 * less than once in a billion.
 */
const PLACEHOLDER_WORDS = [
  "changeme",
  "changethis",
  "replaceme",
  "yoursecret",
  "secretkey",
  "supersecret",
  "mysecret",
  "authsecret",
  "example",
  "placeholder",
  "password",
  "tollgate",
] as const;

/**
 * Random secrets of 32 bytes or more, in any encoding people use (hex has 16
 * symbols, base64 64), show well over this many distinct characters; a
 * repeated character or a short pattern ("aaaa…", "abcabc…") does not.
 */
const MIN_DISTINCT_CHARACTERS = 8;

function known(secret: string): string | undefined {
  const folded = secret.toLowerCase().replace(/[^a-z0-9]/g, "");
  const word = PLACEHOLDER_WORDS.find((placeholder) => folded.includes(placeholder));
  if (word) return `contains the placeholder "${word}"`;
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS)
    return `has fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters`;
  return undefined;
}

/** AUTH_SECRET and AUTH_SECRET_PREVIOUS as given (also when the configuration does not parse). */
export function secretFindings(secret: string | undefined, previous: readonly string[]): Finding[] {
  const named = [
    ...(secret === undefined ? [] : [{ variable: "AUTH_SECRET", value: secret }]),
    ...previous.map((value, index) => ({ variable: `AUTH_SECRET_PREVIOUS[${index}]`, value })),
  ];
  const findings: Finding[] = [];
  for (const { variable, value } of named) {
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes < MIN_SECRET_BYTES) {
      findings.push({
        id: "TG-AUTH-SECRET-SHORT",
        severity: "error",
        message: `${variable} has ${bytes} bytes, fewer than ${MIN_SECRET_BYTES}: tokens signed with it can be forged by guessing it offline`,
        fix: "Generate one: openssl rand -base64 48 (the same on every instance; move the old one to AUTH_SECRET_PREVIOUS).",
        standard: "ASVS 5.0 11.2.3, 13.3.1; RFC 8725 §3.5",
      });
      continue;
    }
    const why = known(value);
    if (why) {
      findings.push({
        id: "TG-AUTH-SECRET-KNOWN",
        severity: "error",
        message: `${variable} ${why}: a value from an example or a pattern, not a random secret, so others may hold it too`,
        fix: "Generate one: openssl rand -base64 48 (the same on every instance; move the old one to AUTH_SECRET_PREVIOUS).",
        standard: "ASVS 5.0 13.3.1, 11.2.3; RFC 8725 §3.5",
      });
    }
  }
  return findings;
}

/** No AUTH_SECRET: the server generates one into DATA_DIR (development; production and DATABASE_URL refuse to start so). */
function generatedSecret(config: DoctorConfig): Finding[] {
  if (config.authSecret !== undefined) return [];
  return [
    {
      id: "TG-AUTH-SECRET-GENERATED",
      severity: "info",
      message: `AUTH_SECRET is unset: the server signs with a secret generated into ${config.dataDir} (one development server only)`,
      fix: "For anything shared, set AUTH_SECRET (openssl rand -base64 48).",
      standard: "ASVS 5.0 13.3.1",
    },
  ];
}

export const secretChecks: CheckGroup = {
  ids: ["TG-AUTH-SECRET-SHORT", "TG-AUTH-SECRET-KNOWN", "TG-AUTH-SECRET-GENERATED"],
  run: ({ config }) => [...secretFindings(config.authSecret, config.authSecretPrevious), ...generatedSecret(config)],
};
