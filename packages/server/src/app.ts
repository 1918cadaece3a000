import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serverDoctorReport } from "./doctor/server-doctor.js";
import { createMetricsListener } from "./metrics/metrics-listener.js";
import type { Services } from "./services.js";
import { createTollgate, type TollgateOptions } from "./tollgate.js";

export interface App {
  readonly services: Services;
  readonly server: Server;
  /**
   * Starts listening; resolves with the bound URL (port 0 picks a free port).
   * With METRICS_PORT the metrics listener starts too, on METRICS_HOST (loopback by default).
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Where Prometheus scrapes (`http://METRICS_HOST:port/metrics`) once listening; undefined without METRICS_PORT. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
}

/** `router`: the router to serve, Tollgate's or one merging it with more (default: Tollgate's). */
export type AppOptions = TollgateOptions;

/** The standalone server: createTollgate served on node:http (with the account page), the way `pnpm start` runs it. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  // The setup link is logged by the caller once the listening address is known.
  const tollgate = await createTollgate({ ...options, announceFirstRunSetup: false });
  const { services } = tollgate;
  const { metrics, logger } = services;
  const server = createServer(tollgate.nodeHandler(options.router ?? tollgate.router));
  // Slow clients cannot hold sockets open indefinitely.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // Never on the public port: a listener of its own, only with METRICS_PORT.
  const holdsDataDirLock = options.database === undefined && !config.databaseUrl;
  const metricsServer = metrics.registry
    ? createMetricsListener(metrics.registry, logger, () => serverDoctorReport(services, { holdsDataDirLock }))
    : undefined;
  let metricsUrl: string | undefined;

  let closing: Promise<void> | undefined;
  return {
    services,
    server,
    async listen(port = config.port, host = config.host) {
      const url = await listenOn(server, port, host);
      if (metricsServer)
        metricsUrl = `${await listenOn(metricsServer, config.metricsPort ?? 0, config.metricsHost)}/metrics`;
      return url;
    },
    get metricsUrl() {
      return metricsUrl;
    },
    close() {
      closing ??= (async () => {
        await Promise.all([stopListening(server), metricsServer && stopListening(metricsServer)]);
        await tollgate.close();
      })();
      return closing;
    },
  };
}

/** Listens on host:port; resolves with the bound URL. */
function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolveUrl(`http://${shownHost}:${address.port}`);
    });
  });
}

/** Stops accepting and resolves once in-flight requests have finished (idle keep-alive sockets are closed). */
function stopListening(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
