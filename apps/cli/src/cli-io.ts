import type { OptionDefinitions, ParsedArguments } from './cli-arguments.ts';

/** Where a command writes and what it knows about its terminal; injected so tests can capture output. */
export interface CliIo {
  /** Results: tables, JSON, the things a user may pipe. */
  readonly stdout: { write(text: string): unknown };
  /** Progress, notes and errors. */
  readonly stderr: { write(text: string): unknown };
  /** True when stderr is a terminal: progress bars redraw in place; otherwise one line per update. */
  readonly stderrIsTerminal: boolean;
  /** Terminal width for progress bars (columns); 80 when unknown. */
  readonly terminalColumns: number;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTerminal: Boolean(process.stderr.isTTY),
    terminalColumns: process.stderr.columns || 80,
  };
}

/** One sub-command of the `weightspec` binary. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Its options (`-h`/`--help` is added and handled by runCli, which prints `help`). */
  readonly options: OptionDefinitions;
  /** Runs the command on its parsed arguments; resolves to the exit code (0 ok, 1 failure, 2 usage error). */
  run(parsed: ParsedArguments, io: CliIo): Promise<number>;
}
