/**
 * The entry of the worker thread that runs `weightspec train --adapter tfjs` (cli-worker-thread.ts):
 * the same CLI, writing to the process's stdout and stderr, with the terminal facts of the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CliIo } from './cli-io.ts';
import { debugRequested, reportError, runCli } from './cli-main.ts';
import type { CliWorkerData, CliWorkerMessage } from './cli-worker-thread.ts';
import { relayTemporaryOutputs, removeTrackedOutputs } from './temporary-outputs.ts';

const data = workerData as CliWorkerData;
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTerminal: data.stderrIsTerminal,
  terminalColumns: data.terminalColumns,
};
const post = (message: CliWorkerMessage) => parentPort?.postMessage(message);
relayTemporaryOutputs(post);
// As in bin.ts: whatever escapes a command is still one line, and an unfinished output is removed.
const fatal = (error: unknown) => {
  removeTrackedOutputs();
  post({ kind: 'exit-code', code: reportError(io, error, debugRequested(data.args)) });
  process.exit(1);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
post({ kind: 'exit-code', code: await runCli(data.args, io) });
