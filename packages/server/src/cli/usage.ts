/**
 * What `tollgate --help` and `tollgate <command> --help` print. One entry per
 * command, so the top usage and each command's usage never disagree.
 */
interface CommandHelp {
  /** The flags, as typed after the command name. */
  readonly synopsis: string;
  /** What it does, one line. */
  readonly summary: string;
}

export const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  "user:create": {
    synopsis: "--username NAME [--email ADDRESS] [--first-name F] [--last-name L] --password-stdin",
    summary: "creates a user; the password is read from standard input",
  },
  "user:set-password": {
    synopsis: "--username NAME --password-stdin",
    summary: "sets a user's password (from standard input) and ends that user's sessions",
  },
  "sessions:revoke": { synopsis: "--username NAME", summary: "ends every session of a user" },
  "user:mfa-reset": {
    synopsis: "--username NAME",
    summary: "turns two-step sign-in (TOTP) off and ends that user's sessions",
  },
  "user:grant-admin": {
    synopsis: "--username NAME",
    summary: "makes a user an administrator (admin.* procedures, the account page's Administration)",
  },
  "user:revoke-admin": { synopsis: "--username NAME", summary: "takes the administrator role from a user" },
  "user:import-django": {
    synopsis: "--from postgres://…",
    summary:
      "imports Django's auth_user (pbkdf2_sha256 hashes, ids) and SimpleJWT's token_blacklist from that database",
  },
  "keys:rotate": {
    synopsis: "[--delay SECONDS]",
    summary: "publishes a next asymmetric signing key; it signs after the delay",
  },
  "keys:status": { synopsis: "", summary: "the signing keys (current, next, retired), or how HS256 signs" },
  doctor: {
    synopsis: "[--json]",
    summary: "checks the configuration (and the database's clock); exits 1 when it finds an error",
  },
};

const CONFIGURATION =
  "Configuration: the same environment as your server (DATABASE_URL, DATA_DIR, AUTH_SECRET, …), and a .env file in the current directory when there is one.";

export function isCommand(name: string): boolean {
  return Object.hasOwn(COMMANDS, name);
}

/** `tollgate --help`: every command. */
export function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`);
  return [
    "Usage: tollgate <command> [options]     (in the Tollgate repository: pnpm cli <command>)",
    "",
    "Commands:",
    ...lines,
    "",
    "tollgate <command> --help shows a command's options.",
    CONFIGURATION,
  ].join("\n");
}

/** `tollgate <command> --help`: that command's options. */
export function commandUsage(name: string): string {
  const help = COMMANDS[name];
  if (!help) return topUsage();
  return [
    `Usage: tollgate ${name}${help.synopsis ? ` ${help.synopsis}` : ""}`,
    `  ${help.summary}`,
    "",
    CONFIGURATION,
  ].join("\n");
}
