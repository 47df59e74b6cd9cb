import { setFlagsFromString } from 'node:v8';
import { isMainThread, Worker } from 'node:worker_threads';
import type { CliIo } from './cli-io.ts';
import { trackTemporaryOutput, untrackTemporaryOutput } from './temporary-outputs.ts';

/**
 * The young generation (MB) of the worker that runs `train --adapter tfjs`. tfjs's CPU backend makes
 * about 12 MB of short-lived garbage per 1024-row step (per-element index arrays in its transpose,
 * gather and broadcasting kernels). In the main isolate V8 then grows the young generation to its
 * default maximum (3 x 16 MB semi-spaces in Node 20), which is resident memory the data set cannot use;
 * a worker's isolate can be given a smaller one (resourceLimits.maxYoungGenerationSizeMb), at the
 * price of more frequent (still cheap: little survives) scavenges.
 */
export const TRAINING_WORKER_YOUNG_GENERATION_MB = 12;

/** What the worker thread is started with. */
export interface CliWorkerData {
  readonly args: readonly string[];
  readonly stderrIsTerminal: boolean;
  readonly terminalColumns: number;
}

/** Messages from the worker thread: its exit code, or a temporary output to track for Ctrl-C. */
export type CliWorkerMessage =
  | { readonly kind: 'exit-code'; readonly code: number }
  | { readonly kind: 'track' | 'untrack'; readonly path: string };

/** The value of `--adapter` in `args` (either `--adapter X` or `--adapter=X`), if given. */
function adapterArgument(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') return undefined;
    if (arg === '--adapter') return args[index + 1];
    if (arg.startsWith('--adapter=')) return arg.slice('--adapter='.length);
  }
  return undefined;
}

/**
 * What is wrong with WEIGHTSPEC_TRAIN_IN_WORKER for `train`, or null: unset, empty, 0 and 1 are the
 * values it takes. Any other value (`true`, `yes`, ` 1`) is refused rather than read as the default.
 */
export function trainInWorkerSettingProblem(
  args: readonly string[],
  environment: Readonly<Record<string, string | undefined>> = process.env,
): string | null {
  const setting = environment.WEIGHTSPEC_TRAIN_IN_WORKER;
  if (args[0] !== 'train' || setting === undefined || ['', '0', '1'].includes(setting)) return null;
  return `must be 0 (train in the main thread) or 1 (train in a worker thread), or unset; got ${JSON.stringify(setting)}`;
}

/**
 * Whether the CLI runs `args` in a worker thread: `train --adapter tfjs` from the main thread. The
 * environment variable WEIGHTSPEC_TRAIN_IN_WORKER=0 keeps it in the main thread, =1 moves every
 * `train` there. By default only tfjs trains there: its garbage is what the small young generation
 * is for.
 */
export function runsInWorkerThread(
  args: readonly string[],
  environment: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const setting = environment.WEIGHTSPEC_TRAIN_IN_WORKER;
  if (!isMainThread || setting === '0' || args[0] !== 'train' || args.includes('--help') || args.includes('-h'))
    return false;
  return setting === '1' || adapterArgument(args) === 'tfjs';
}

/**
 * Runs the CLI on `args` in a worker thread with a young generation of
 * TRAINING_WORKER_YOUNG_GENERATION_MB: the worker writes to this process's stdout and stderr, and
 * reports the temporary outputs it writes, which this thread removes on SIGINT/SIGTERM (signals reach
 * only the main thread). Resolves to the exit code.
 */
export function runCliInWorkerThread(args: readonly string[], io: CliIo): Promise<number> {
  const file = import.meta.url.endsWith('.ts') ? './cli-worker-main.ts' : './cli-worker-main.js';
  const workerData: CliWorkerData = {
    args,
    stderrIsTerminal: io.stderrIsTerminal,
    terminalColumns: io.terminalColumns,
  };
  // Exposes gc() in isolates created from now on (V8 reads the flag when a context is made), so the
  // worker can collect once between its phases (collect-garbage.ts); this thread is unaffected.
  setFlagsFromString('--expose-gc');
  return new Promise((resolve) => {
    let code: number | null = null;
    let reported: Promise<void> = Promise.resolve();
    const worker = new Worker(new URL(file, import.meta.url), {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: TRAINING_WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (message: CliWorkerMessage) => {
      if (message.kind === 'exit-code') code = message.code;
      else if (message.kind === 'track') trackTemporaryOutput(message.path);
      else untrackTemporaryOutput(message.path);
    });
    // An error the worker could not report itself (it failed to start, or ran out of memory); cli-main
    // is imported only then, so this thread stays small.
    worker.on('error', (error) => {
      reported = import('./cli-main.ts').then(({ debugRequested, reportError }) => {
        code = reportError(io, error, debugRequested(args));
      });
    });
    worker.on('exit', (exitCode) => {
      void reported.then(() => resolve(code ?? (exitCode === 0 ? 0 : 1)));
    });
  });
}
