import { fileURLToPath } from "node:url";
import { loadConfig } from "@tollgate/server";
import { createNotesApp } from "./app.js";

const webRoot = fileURLToPath(new URL("../../dist", import.meta.url));
const config = { ...loadConfig(), webRoot };
const { tollgate, server } = await createNotesApp({ config });
server.listen(config.port, config.host, () => {
  tollgate.services.logger.info(`Notes on http://${config.host}:${config.port}`);
});
const stop = () => server.close(() => void tollgate.close().then(() => process.exit(0)));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
