import type { IncomingMessage } from "node:http";

/** What the access log line of one request says beyond method, path and status. */
export interface RequestLog {
  procedure?: string;
  userId?: string;
}

/** Per-request log fields, filled by the HTTP layer and by procedures (through the context). */
const logs = new WeakMap<IncomingMessage, RequestLog>();

export function requestLogFor(req: IncomingMessage): RequestLog {
  let log = logs.get(req);
  if (!log) {
    log = {};
    logs.set(req, log);
  }
  return log;
}
