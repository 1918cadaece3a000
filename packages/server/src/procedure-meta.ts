/** What a procedure declares about itself; read by the batch policy (batch-policy.ts) when a request arrives. */
export interface ProcedureMeta {
  /** Checks a password or a code: rate limited, and never run inside a batch of several calls. */
  readonly checksCredentials?: boolean;
}
