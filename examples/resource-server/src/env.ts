import { type AsymmetricAlgorithm, isAsymmetricAlgorithm } from "@tollgate/auth";

export interface ResourceServerConfig {
  readonly port: number;
  readonly host: string;
  /** Tollgate's `/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithm: AsymmetricAlgorithm;
  /** Seconds the key set is cached (Tollgate's JWKS_MAX_AGE). */
  readonly jwksCacheMaxAge: number;
}

/** The only reader of process.env: fails with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ResourceServerConfig {
  const jwksUrl = env.TOLLGATE_JWKS_URL;
  if (!jwksUrl) throw new Error("TOLLGATE_JWKS_URL is required (e.g. https://auth.example.com/.well-known/jwks.json)");
  const algorithm = env.ACCESS_TOKEN_ALG ?? "EdDSA";
  if (!isAsymmetricAlgorithm(algorithm)) throw new Error("ACCESS_TOKEN_ALG must be EdDSA or ES256");
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("PORT must be a port number");
  const jwksCacheMaxAge = Number(env.JWKS_MAX_AGE ?? 300);
  if (!(jwksCacheMaxAge > 0)) throw new Error("JWKS_MAX_AGE must be a number of seconds");
  return {
    port,
    host: env.HOST ?? "127.0.0.1",
    jwksUrl,
    issuer: env.TOKEN_ISSUER ?? "tollgate",
    audience: env.TOKEN_AUDIENCE ?? "tollgate",
    algorithm,
    jwksCacheMaxAge,
  };
}
