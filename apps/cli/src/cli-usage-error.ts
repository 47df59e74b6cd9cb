/**
 * A command line the CLI cannot act on (unknown option, missing argument, bad number). Exits with
 * code 2 and the command's usage line; distinct from WeightspecErrors, which are about the data.
 */
export class CliUsageError extends Error {
  /** The command whose usage applies, for the hint `weightspec <command> --help`. */
  readonly command: string | null;

  /** `command` is null for errors before a command was chosen. */
  constructor(message: string, command: string | null = null) {
    super(message);
    this.name = 'CliUsageError';
    this.command = command;
  }
}
