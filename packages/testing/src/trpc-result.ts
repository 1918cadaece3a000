/** What a call over plain HTTP came back with. */
export interface CallResult<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body, parsed (the text when it is not JSON). */
  readonly body: T;
  /** The Set-Cookie lines of the response, as sent. */
  readonly setCookies: string[];
}

/** How to send one call; each field's default is what a page on the server's own origin sends. */
export interface CallOptions {
  /** undefined: echo the csrf cookie (as the SDK does); false: no header; a string: that value. */
  readonly csrf?: string | false;
  /** undefined: the server's own origin on mutations; null: no Origin header; a string: that origin. */
  readonly origin?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send no cookies with this call. */
  readonly noCookies?: boolean;
}

/** tRPC's error JSON, as Tollgate sends it (`data.authCode`: the `AuthError` code, when there is one). */
export interface TRPCErrorBody {
  readonly error: {
    readonly message: string;
    readonly code: number;
    readonly data: {
      readonly code: string;
      readonly httpStatus: number;
      readonly path?: string;
      readonly authCode?: string;
      readonly stack?: string;
      /** An error's own data beside its code (STEP_UP_REQUIRED's `stepUp`, PASSWORD_POLICY's `passwordRule`). */
      readonly [extra: string]: unknown;
    };
  };
}

/** `result.data` of a successful tRPC call; throws with the error's message when the call failed. */
export function data<T>(result: CallResult): T {
  const body = result.body as { result?: { data: T } } & Partial<TRPCErrorBody>;
  if (body?.result) return body.result.data;
  const error = body?.error;
  throw new Error(
    error
      ? `HTTP ${result.status} ${error.data.code}${error.data.authCode ? ` (${error.data.authCode})` : ""}: ${error.message}`
      : `HTTP ${result.status}: not a tRPC result`,
  );
}

/** The error of a failed tRPC call; throws when the call succeeded. */
export function errorOf(result: CallResult): TRPCErrorBody["error"] {
  const error = (result.body as Partial<TRPCErrorBody>)?.error;
  if (!error) throw new Error(`HTTP ${result.status}: the call did not fail`);
  return error;
}
