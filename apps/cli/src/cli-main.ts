import { readFileSync } from 'node:fs';
import { MissingPeerError, WeightspecError } from '@weightspec/core';
import { parseCommandArguments } from './cli-arguments.ts';
import type { CliCommand, CliIo } from './cli-io.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { conformanceCommand } from './command-conformance.ts';
import { demoCommand } from './command-demo.ts';
import { initCommand } from './command-init.ts';
import { trainCommand } from './command-train.ts';
import { validateCommand } from './command-validate.ts';
import { weightsCommand } from './command-weights.ts';
import { fitInstallAdvice } from './install-advice.ts';

/** Every sub-command, in the order `weightspec --help` lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = Object.freeze([
  initCommand,
  validateCommand,
  weightsCommand,
  trainCommand,
  demoCommand,
  conformanceCommand,
]);

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return packageJson.version;
}

function mainHelp(): string {
  const width = Math.max(...CLI_COMMANDS.map((command) => command.name.length));
  return [
    'Usage: weightspec <command> [options]',
    '',
    'One weighting spec, applied the same way by every adapter (tfjs, mljs, onnx).',
    '',
    'Commands:',
    ...CLI_COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run weightspec <command> --help for its options. Exit codes: 0 ok, 1 failure, 2 usage error,',
    '130 interrupted. Errors are one line; --debug (or WEIGHTSPEC_DEBUG=1) adds the stack trace.',
  ].join('\n');
}

/** True when stacks are wanted: `--debug` on the command line or WEIGHTSPEC_DEBUG=1 in the environment. */
export function debugRequested(args: readonly string[] = []): boolean {
  return args.includes('--debug') || process.env.WEIGHTSPEC_DEBUG === '1';
}

/**
 * Prints an error the way users should see it: `error WS_CODE: message` for known errors, one line
 * `error: Name: message` for anything else; the stack only when `debug` (--debug or WEIGHTSPEC_DEBUG=1).
 */
export function reportError(io: CliIo, error: unknown, debug = false): number {
  if (error instanceof CliUsageError) {
    io.stderr.write(`error: ${error.message}\n`);
    io.stderr.write(`Run: weightspec ${error.command ? `${error.command} ` : ''}--help\n`);
    return 2;
  }
  if (WeightspecError.isInstance(error)) {
    // A peer missing inside a package names `npm install`; say what reaches this CLI (global, npx, project).
    const message = MissingPeerError.isInstance(error) ? fitInstallAdvice(error) : error.message;
    io.stderr.write(`error ${error.code}: ${message}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n', 1)[0] ?? '';
  const shown = firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine;
  if (debug) io.stderr.write(`error: ${name}: ${shown}\n${error instanceof Error ? error.stack : String(error)}\n`);
  else io.stderr.write(`error: ${name}: ${shown} (unexpected; --debug or WEIGHTSPEC_DEBUG=1 shows the stack)\n`);
  return 1;
}

/** Runs the `weightspec` command line; resolves to the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(allArgs: readonly string[], io: CliIo): Promise<number> {
  const debug = debugRequested(allArgs);
  const args = allArgs.filter((arg) => arg !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? CLI_COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(`${topic ? topic.help : mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = CLI_COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (!command)
      throw new CliUsageError(
        `unknown command "${name}"; commands: ${CLI_COMMANDS.map((entry) => entry.name).join(', ')}`,
      );
    const parsed = parseCommandArguments(command.name, rest, command.options);
    if (parsed.help) {
      io.stdout.write(`${command.help}\n`);
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    return reportError(io, error, debug);
  }
}
