#!/usr/bin/env node
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { createMailBodyWrap, createSessions } from "@tollgate/auth";
import { ConfigError } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { EmbeddedDatabaseNodeError } from "../db/embedded-database-node.js";
import { PreviousVersionDataError } from "../db/previous-version.js";
import { currentEnvironment, loadCliConfig } from "../env.js";
import { notifyRevocations } from "../revocations/channel.js";
import { createKyselySessionStore } from "../stores/session-store.js";
import { CliError, runCommand } from "./commands.js";
import { keyCommandContext } from "./keys.js";
import { readPasswordFromStdin } from "./read-stdin.js";
import { commandUsage, isCommand, topUsage } from "./usage.js";

/** Exit codes: 0 done (or help asked for), 1 the command failed (doctor: found an error), 2 the command line was wrong. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** A command line that cannot run (unknown command or option): reported with the usage, exit 2. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

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

function parseCommandLine() {
  try {
    return parseArgs({
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
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // node:util's parse errors (unknown option, missing value) carry codes ERR_PARSE_ARGS_*.
    if ((error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

/**
 * A host app's CLI sees the configuration its server sees: a .env in the
 * current directory is read (variables already set win, as with
 * `node --env-file`). Node's own parser, so no dependency.
 */
function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

async function main(): Promise<number> {
  const { positionals, values } = parseCommandLine();
  // `tollgate help [command]` is `tollgate [command] --help`.
  const asksHelp = values.help === true || positionals[0] === "help";
  const command = positionals[0] === "help" ? positionals[1] : positionals[0];
  if (!command) {
    if (!asksHelp) throw new UsageError("No command given.");
    console.log(topUsage());
    return 0;
  }
  if (!isCommand(command)) throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  if (asksHelp) {
    console.log(commandUsage(command));
    return 0;
  }
  loadDotEnv();
  if (command === "doctor") {
    // Reads the configuration and looks; opens no Tollgate database and changes nothing.
    const { runDoctorCli } = await import("../doctor/cli-doctor.js");
    const { output, exitCode } = await runDoctorCli(currentEnvironment(), { json: values.json === true });
    console.log(output);
    return exitCode;
  }
  const config = loadCliConfig();
  // No data-dir lock: SQLite (WAL) lets the CLI work beside a running server.
  // Loaded only now, and node:sqlite only for the embedded database (Node 22.16+).
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

// A command whose work waits on nothing that keeps the process alive (an unref'd timer) would end with
// exit 0 half done: an exit before main() settled is a failure, and says so.
let settled = false;
process.on("exit", (code) => {
  if (code === 0 && !settled) {
    console.error("Failed: the command ended before its work was done");
    process.exitCode = 1;
  }
});

main().then(
  (code) => {
    settled = true;
    process.exit(code);
  },
  (error: unknown) => {
    settled = true;
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${topUsage()}`);
      process.exit(EXIT_USAGE);
    }
    const known =
      error instanceof EmbeddedDatabaseNodeError ||
      error instanceof CliError ||
      error instanceof PreviousVersionDataError ||
      error instanceof ConfigError ||
      error instanceof TypeError;
    console.error(
      known ? (error as Error).message : `Failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(EXIT_FAILED);
  },
);
