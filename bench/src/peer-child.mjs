// The peer under test (`pnpm bench --peer`): better-auth with email and
// password on node:http (its toNodeHandler), on PostgreSQL through a pg pool
// of the size Tollgate uses, its rate limit off, in its own process like
// Tollgate's server child. Its tables come from its own migration at start.
// Env: PEER_DATABASE_URL, PEER_SECRET, PEER_COOKIE_CACHE (on | off),
// PEER_EMAIL, PEER_PASSWORD (the account, created if missing).
// Prints one JSON line with its URL, then serves until SIGTERM.
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import pg from "pg";

const env = process.env;
const pool = new pg.Pool({ connectionString: env.PEER_DATABASE_URL, max: 10 });

let handle = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handle(req, res));
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const url = `http://127.0.0.1:${server.address().port}`;

const options = {
  baseURL: url,
  secret: env.PEER_SECRET,
  database: pool,
  emailAndPassword: { enabled: true },
  session: { cookieCache: { enabled: env.PEER_COOKIE_CACHE === "on", maxAge: 5 * 60 } },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { level: "error" },
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
try {
  await auth.api.signUpEmail({ body: { email: env.PEER_EMAIL, password: env.PEER_PASSWORD, name: "bench" } });
} catch (error) {
  // A second child on the same database finds the account there already.
  if (error?.body?.code !== "USER_ALREADY_EXISTS" && error?.body?.code !== "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    throw error;
}
handle = toNodeHandler(auth);
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);

const stop = () => {
  server.close();
  server.closeAllConnections();
  pool.end().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
