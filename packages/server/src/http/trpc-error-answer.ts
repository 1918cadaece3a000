import { type AnyTRPCRouter, getTRPCErrorShape, type TRPCError, transformTRPCResponse } from "@trpc/server";
import type { HttpAnswer } from "./answer.js";

/**
 * A refusal under /trpc that no procedure made (415, a bad Host, a batch
 * over the limit, an unexpected failure): tRPC's error JSON, shaped by the
 * served router's error formatter, so it carries `data.code`,
 * `data.httpStatus` and `data.authCode` exactly as a procedure's error does.
 */
export function trpcErrorAnswer(router: AnyTRPCRouter, error: TRPCError, headers: Headers): HttpAnswer {
  const config = router._def._config;
  const shape = getTRPCErrorShape({
    config,
    error,
    type: "unknown",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  headers.set("Content-Type", "application/json");
  return {
    status: shape.data.httpStatus,
    headers,
    body: JSON.stringify(transformTRPCResponse(config, { error: shape })),
  };
}
