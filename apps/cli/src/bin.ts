#!/usr/bin/env node
import { processIo } from './cli-io.ts';
import { runCli } from './cli-main.ts';

// A closed pipe (`weightspec conformance | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
