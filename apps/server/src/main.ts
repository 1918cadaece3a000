// The standalone Tollgate server: environment → createApp → listen.
// Only the Node version check is imported up front; the library (which needs
// Node 24's node:sqlite) is loaded after it, so an old Node gets one clear line.
import { nodeVersionProblem } from "@tollgate/server/node-version";

async function main(): Promise<void> {
  const tooOld = nodeVersionProblem();
  if (tooOld) {
    console.error(tooOld);
    process.exit(1);
  }
  const { announceFirstRunSetup, createApp, DataDirLockedError, loadConfig, PreviousVersionDataError } = await import(
    "@tollgate/server"
  );
  // Bad configuration: one line naming the variable, exit status 1.
  const config = loadConfig();
  const app = await createApp({ config }).catch((error: unknown) => {
    if (error instanceof DataDirLockedError || error instanceof PreviousVersionDataError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  const url = await app.listen();
  const { logger } = app.services;
  logger.info(
    { url, database: app.services.database.kind, demo: Boolean(config.webRoot), metrics: app.metricsUrl },
    `Tollgate listening on ${url}`,
  );
  await announceFirstRunSetup(app.services, url);

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Tollgate failed to start: ${error.message}` : error);
  process.exit(1);
});
