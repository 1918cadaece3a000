import type { AuthErrorCode } from "./error-codes.js";

export { AUTH_ERROR_CODES, type AuthErrorCode } from "./error-codes.js";

export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  /** Seconds the client should wait before trying again (RATE_LIMITED, HASH_QUEUE_FULL). */
  readonly retryAfter: number | undefined;
  /**
   * Plain JSON the client needs to act on the error, sent beside `authCode`
   * in the error's data (STEP_UP_REQUIRED: `{ stepUp: … }`). Never secrets.
   */
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfter?: number; data?: Readonly<Record<string, unknown>> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfter = options?.retryAfter;
    this.data = options?.data;
  }
}
