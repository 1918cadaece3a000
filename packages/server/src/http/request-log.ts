/** What the access log line of one request says beyond method, path and status. */
export interface RequestLog {
  procedure?: string;
  userId?: string;
}
