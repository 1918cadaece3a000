import { createServer, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** `/healthz?verbose`: the doctor's findings, computed at each request. */
export type VerboseHealth = () => Promise<unknown>;

function sendVerboseHealth(res: ServerResponse, verboseHealth: VerboseHealth, logger: Logger): void {
  verboseHealth().then(
    (report) => {
      const text = JSON.stringify(report);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    },
    (err: unknown) => {
      logger.error({ err }, "doctor report failed");
      sendText(res, 500, "Doctor report failed\n");
    },
  );
}

/**
 * The Prometheus listener, apart from the public one (METRICS_PORT): `GET /metrics`
 * answers the registry in the text format; `GET /healthz?verbose` the doctor's
 * findings as JSON (here only: they tell an attacker what is weak, and this
 * listener stays on loopback or a private interface); anything else is 404.
 */
export function createMetricsListener(registry: Registry, logger: Logger, verboseHealth?: VerboseHealth): Server {
  const server = createServer((req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    const [path, query = ""] = (req.url ?? "").split("?", 2);
    const verbose = path === "/healthz" && new URLSearchParams(query).has("verbose");
    if (path !== "/metrics" && !(verbose && verboseHealth)) return sendText(res, 404, "Not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendText(res, 405, "Method not allowed\n", { Allow: "GET, HEAD" });
    }
    if (verbose && verboseHealth) return sendVerboseHealth(res, verboseHealth, logger);
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "Content-Type": registry.contentType, "Content-Length": Buffer.byteLength(text) });
        res.end(text); // no body for HEAD: node:http leaves it out
      },
      (err: unknown) => {
        logger.error({ err }, "metrics collection failed");
        sendText(res, 500, "Metrics collection failed\n");
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
