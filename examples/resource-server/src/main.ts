import type { AddressInfo } from "node:net";
import { createResourceServerVerifier } from "@tollgate/auth";
import { createResourceServer } from "./app.js";
import { loadConfig } from "./env.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const verifier = createResourceServerVerifier({
  jwksUrl: config.jwksUrl,
  issuer: config.issuer,
  audience: config.audience,
  algorithms: [config.algorithm],
  jwksCacheMaxAge: config.jwksCacheMaxAge,
});
const server = createResourceServer(verifier);
server.listen(config.port, config.host, () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: "resource server listening", url: `http://${address}:${port}` }));
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close(() => process.exit(0)));
