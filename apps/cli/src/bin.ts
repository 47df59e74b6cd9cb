#!/usr/bin/env node
import { processIo } from './cli-io.ts';
import { debugRequested, reportError, runCli } from './cli-main.ts';
import { removeTrackedOutputs } from './temporary-outputs.ts';

// Whatever escapes a command (a failure in a callback, an unhandled rejection) is still one line.
const io = processIo();
const fatal = (error: unknown) => {
  removeTrackedOutputs();
  process.exitCode = reportError(io, error, debugRequested(process.argv));
  process.exit();
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

// A closed pipe (`weightspec train ... --out model | head`) is not an error: the rest of stdout is
// dropped and the command goes on, so an --out file is still written completely.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  fatal(error);
});

process.exitCode = await runCli(process.argv.slice(2), io);
