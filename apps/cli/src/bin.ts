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

// A closed pipe (`weightspec conformance | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), io);
