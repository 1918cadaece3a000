import { type Logger, pino } from "pino";

/** JSON logs. Cookie and authorization headers are never logged: we log no headers at all. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "tollgate" },
    redact: { paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie"], remove: true },
  });
}
