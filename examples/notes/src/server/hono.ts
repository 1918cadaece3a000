import { loadConfig } from "@tollgate/server";
import { startNotesOnHono } from "./hono-app.js";

const config = loadConfig();
const app = await startNotesOnHono({ config }, config.port, config.host);
app.tollgate.services.logger.info(`Notes API (Hono) on ${app.url}`);
const stop = () => void app.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
