import type { AuthErrorCode } from "@tollgate/auth/protocol";

/**
 * The body of an answer: text or bytes, written whole with Content-Length;
 * null for none (a preflight, HEAD). A stream only where the client asked
 * tRPC for one (`trpc-accept: application/jsonl`, subscriptions): a body
 * that has not ended yet cannot be held whole.
 */
export type AnswerBody = string | Uint8Array | ReadableStream<Uint8Array> | null;

/** What the pipeline answers; each adapter writes it out its own way. */
export interface HttpAnswer {
  readonly status: number;
  /** Set-Cookie lines stay separate (`getSetCookie()`). */
  readonly headers: Headers;
  readonly body: AnswerBody;
}

export function jsonAnswer(status: number, value: unknown, headers: Headers): HttpAnswer {
  headers.set("Content-Type", "application/json");
  return { status, headers, body: JSON.stringify(value) };
}

/**
 * A failure outside /trpc (unknown path, bad Host, an unexpected error):
 * `{ error: { code, message } }`, the code from the one list every failure
 * carries (`@tollgate/auth/protocol`). Under /trpc failures are tRPC's error
 * JSON instead (trpc-error-answer.ts).
 */
export function errorAnswer(status: number, code: AuthErrorCode, message: string, headers: Headers): HttpAnswer {
  return jsonAnswer(status, { error: { code, message } }, headers);
}
