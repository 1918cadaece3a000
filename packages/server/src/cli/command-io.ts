/** A failure the CLI reports as one line and exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** How a command reads a password and prints its lines (the terminal, or a test). */
export interface CommandIo {
  readPassword(): Promise<string>;
  print(line: string): void;
}

export type Flags = Record<string, string | boolean | undefined>;
