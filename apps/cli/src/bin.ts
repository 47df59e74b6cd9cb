#!/usr/bin/env node
import { processIo } from './cli-io.ts';
import { runCliInWorkerThread, runsInWorkerThread, trainInWorkerSettingProblem } from './cli-worker-thread.ts';
import { removeTrackedOutputs } from './temporary-outputs.ts';

// cli-main (every command, core, zod) is loaded where the command runs: a worker thread loads its own
// copy, and this thread then stays small (about 25 MB less resident memory).
const loadCliMain = () => import('./cli-main.ts');

// Whatever escapes a command (a failure in a callback, an unhandled rejection) is still one line.
const io = processIo();
const fatal = (error: unknown) => {
  removeTrackedOutputs();
  loadCliMain()
    .then(({ debugRequested, reportError }) => {
      process.exitCode = reportError(io, error, debugRequested(process.argv));
    })
    .catch(() => {
      io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

// A closed pipe (`weightspec train ... --out model | head`) is not an error: the rest of stdout is
// dropped and the command goes on, so an --out file is still written completely.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  fatal(error);
});

const args = process.argv.slice(2);
const settingProblem = trainInWorkerSettingProblem(args);
if (settingProblem !== null) {
  const [{ InvalidInputError }, { reportError }] = await Promise.all([import('@weightspec/core'), loadCliMain()]);
  process.exitCode = reportError(io, new InvalidInputError('WEIGHTSPEC_TRAIN_IN_WORKER', settingProblem));
}
// `train --adapter tfjs` runs in a worker thread with a small young generation (cli-worker-thread.ts).
else if (runsInWorkerThread(args)) process.exitCode = await runCliInWorkerThread(args, io);
else process.exitCode = await (await loadCliMain()).runCli(args, io);
