#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createMailBodyWrap, createSessions } from "@tollgate/auth";
import { ConfigError } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { PreviousVersionDataError } from "../db/previous-version.js";
import { loadCliConfig } from "../env.js";
import { nodeVersionProblem } from "../node-version.js";
import { notifyRevocations } from "../revocations/channel.js";
import { createKyselySessionStore } from "../stores/session-store.js";
import { CliError, runCommand } from "./commands.js";
import { keyCommandContext } from "./keys.js";
import { readPasswordFromStdin } from "./read-stdin.js";

const USAGE = `Usage: pnpm cli <command> [options]
  user:create --username NAME [--email ADDRESS] [--first-name F] [--last-name L] --password-stdin
  user:set-password --username NAME --password-stdin     (ends that user's sessions)
  sessions:revoke --username NAME
  user:mfa-reset --username NAME                          (turns TOTP off, ends that user's sessions)
  user:import-django --from postgres://…                  (Django auth_user, pbkdf2_sha256 hashes)
  keys:rotate [--delay SECONDS]                           (publish a next signing key; it signs after the delay)
  keys:status                                             (signing keys: current, next, retired)
Uses the same DATABASE_URL / DATA_DIR as the server.`;

/** NOTIFY running servers (PostgreSQL); a failure is reported, the sessions stay ended. */
async function notifyServers(db: DatabaseHandle["db"], sessionIds: readonly string[]): Promise<void> {
  try {
    await notifyRevocations(db, sessionIds);
  } catch (error) {
    throw new CliError(
      `${sessionIds.length} session(s) ended, but running servers could not be told (${(error as Error).message}): ` +
        "their access tokens may be accepted until ACCESS_TOKEN_TTL has passed",
    );
  }
}

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
      email: { type: "string" },
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
    // Asking for help succeeds; a missing command is a usage error.
    return values.help ? 0 : 1;
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
      // Running servers on PostgreSQL hear of the sessions ended here at once; on the
      // embedded database they poll the sessions table.
      publisher: database.kind === "postgres" ? { publish: (ids) => notifyServers(database.db, ids) } : undefined,
    });
    const keys = keyCommandContext(config, database);
    await runCommand(command, values, {
      database,
      sessions,
      keys,
      ...(config.authSecret ? { mailBodies: createMailBodyWrap(config.authSecret, config.authSecretPrevious) } : {}),
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
