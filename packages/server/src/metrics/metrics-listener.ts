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

/**
 * The Prometheus listener, apart from the public one (METRICS_PORT): `GET /metrics`
 * answers the registry in the text format; anything else is 404.
 */
export function createMetricsListener(registry: Registry, logger: Logger): Server {
  const server = createServer((req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    if ((req.url ?? "").split("?")[0] !== "/metrics") return sendText(res, 404, "Not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendText(res, 405, "Method not allowed\n", { Allow: "GET, HEAD" });
    }
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
