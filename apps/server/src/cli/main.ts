import { parseArgs } from "node:util";
import { createSessions } from "@tollgate/auth";
import { ConfigError } from "../config.js";
import { PreviousVersionDataError } from "../db/previous-version.js";
import { loadCliConfig } from "../env.js";
import { nodeVersionProblem } from "../node-version.js";
import { createKyselySessionStore } from "../stores/session-store.js";
import { CliError, runCommand } from "./commands.js";
import { keyCommandContext } from "./keys.js";
import { readPasswordFromStdin } from "./read-stdin.js";

const USAGE = `Usage: pnpm cli <command> [options]
  user:create --username NAME [--first-name F] [--last-name L] --password-stdin
  user:set-password --username NAME --password-stdin     (ends that user's sessions)
  sessions:revoke --username NAME
  user:import-django --from postgres://…                  (Django auth_user, pbkdf2_sha256 hashes)
  keys:rotate [--delay SECONDS]                           (publish a next signing key; it signs after the delay)
  keys:status                                             (signing keys: current, next, retired)
Uses the same DATABASE_URL / DATA_DIR as the server.`;

async function main(): Promise<number> {
  const tooOld = nodeVersionProblem();
  if (tooOld) {
    console.error(tooOld);
    return 1;
  }
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      username: { type: "string" },
      "first-name": { type: "string" },
      "last-name": { type: "string" },
      "password-stdin": { type: "boolean" },
      from: { type: "string" },
      delay: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadCliConfig();
  // No data-dir lock: SQLite (WAL) lets the CLI work beside a running server.
  // Loaded only now: the database needs Node 24 (node:sqlite), checked above.
  const { openDatabase } = await import("../db/client.js");
  const database = await openDatabase(config);
  try {
    const sessions = createSessions({
      store: createKyselySessionStore(database.db),
      refreshTokenTtl: config.refreshTokenTtl,
      idleTimeout: config.sessionIdleTimeout,
      reuseGrace: config.refreshReuseGrace,
    });
    const keys = keyCommandContext(config, database);
    await runCommand(command, values, {
      database,
      sessions,
      keys,
      io: { readPassword: () => readPasswordFromStdin(), print: (line) => console.log(line) },
    });
  } finally {
    await database.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof CliError ||
      error instanceof PreviousVersionDataError ||
      error instanceof ConfigError ||
      error instanceof TypeError;
    console.error(
      known ? (error as Error).message : `Failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
