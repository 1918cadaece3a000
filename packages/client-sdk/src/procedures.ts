import { CREDENTIAL_PROCEDURES, REFRESH_PROCEDURE, SIGN_OUT_PROCEDURES } from "@tollgate/auth/protocol";

export { CREDENTIAL_PROCEDURES, REFRESH_PROCEDURE };

/**
 * The credential checks and auth.refresh: each travels alone through the
 * single (unbatched) link (the refresh cookie's Path is auth.refresh's own
 * URL), never triggers a refresh nor is retried after one, and its success
 * may sign this client in (a result with `accessTokenExpiresAt`).
 */
export const SIGN_IN_PROCEDURES: ReadonlySet<string> = new Set([...CREDENTIAL_PROCEDURES, REFRESH_PROCEDURE]);

/** Procedures after whose success this client is signed out. */
const signOutProcedures: ReadonlySet<string> = new Set(SIGN_OUT_PROCEDURES);

export { signOutProcedures as SIGN_OUT_PROCEDURES };
