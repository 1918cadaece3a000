/**
 * One autocannon run in its own process, so the load generator never shares
 * the server's event loop. argv[2]: JSON { url, connections, duration, method?, headers?, body? }.
 * Prints one JSON line.
 */
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  connections: number;
  duration: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
};

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  method: options.method ?? "GET",
  headers: options.headers ?? {},
  ...(options.body ? { body: options.body } : {}),
});

process.stdout.write(
  `${JSON.stringify({
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  })}\n`,
);
