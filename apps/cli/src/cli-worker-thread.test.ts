import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsInWorkerThread, trainInWorkerSettingProblem } from './cli-worker-thread.ts';
import { runBuiltCli, temporaryFolder, tinyTrainArguments, writeTinyTrainingFiles } from './test-cli-process.ts';

describe('runsInWorkerThread: which command lines train in a worker thread', () => {
  const train = (adapter: string, ...extra: string[]) => ['train', '--adapter', adapter, '--data', 'd.csv', ...extra];

  it('moves train --adapter tfjs (either spelling) and nothing else by default', () => {
    expect(runsInWorkerThread(train('tfjs'), {})).toBe(true);
    expect(runsInWorkerThread(['train', '--data', 'd.csv', '--adapter=tfjs'], {})).toBe(true);
    expect(runsInWorkerThread(train('mljs'), {})).toBe(false);
    expect(runsInWorkerThread(train('onnx'), {})).toBe(false);
    expect(runsInWorkerThread(train('./tfjs'), {})).toBe(false);
    expect(runsInWorkerThread(['conformance', '--adapter', 'tfjs'], {})).toBe(false);
    expect(runsInWorkerThread(['train', '--data', 'd.csv', '--', '--adapter', 'tfjs'], {})).toBe(false);
  });

  it('leaves --help in the main thread, and follows WEIGHTSPEC_TRAIN_IN_WORKER (0 never, 1 every train)', () => {
    expect(runsInWorkerThread(train('tfjs', '--help'), {})).toBe(false);
    expect(runsInWorkerThread(train('tfjs'), { WEIGHTSPEC_TRAIN_IN_WORKER: '0' })).toBe(false);
    expect(runsInWorkerThread(train('mljs'), { WEIGHTSPEC_TRAIN_IN_WORKER: '1' })).toBe(true);
    expect(runsInWorkerThread(['weights', '--spec', 's.json'], { WEIGHTSPEC_TRAIN_IN_WORKER: '1' })).toBe(false);
  });

  it('refuses a WEIGHTSPEC_TRAIN_IN_WORKER other than 0, 1 or unset for train, instead of reading it as the default', () => {
    for (const value of ['true', 'yes', ' 1', '2'])
      expect(trainInWorkerSettingProblem(train('tfjs'), { WEIGHTSPEC_TRAIN_IN_WORKER: value })).toMatch(
        /must be 0 .* or 1 .*, or unset; got/,
      );
    for (const value of [undefined, '', '0', '1'])
      expect(trainInWorkerSettingProblem(train('tfjs'), { WEIGHTSPEC_TRAIN_IN_WORKER: value })).toBeNull();
    // Other commands do not read it.
    expect(
      trainInWorkerSettingProblem(['weights', '--spec', 's.json'], { WEIGHTSPEC_TRAIN_IN_WORKER: 'yes' }),
    ).toBeNull();
  });
});

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const tfjsBuilt = existsSync(join(packageDirectory, 'node_modules', '@weightspec', 'tfjs', 'dist', 'index.js'));

describe.skipIf(!tfjsBuilt)('weightspec train --adapter tfjs (built CLI) in its worker thread', () => {
  const folder = temporaryFolder('worker');
  const cwd = folder.path;
  beforeAll(() => writeTinyTrainingFiles(cwd));
  afterAll(() => folder.remove());

  it('prints, saves and exits exactly as the same run in the main thread', async () => {
    const args = (out: string) => tinyTrainArguments('tfjs', 7, out, ['--json', '--epochs', '3']);
    const inWorker = await runBuiltCli(args('worker-out'), { cwd });
    const inMain = await runBuiltCli(args('main-out'), { cwd, env: { WEIGHTSPEC_TRAIN_IN_WORKER: '0' } });
    expect(inWorker.status).toBe(0);
    expect(inMain.status).toBe(0);
    // Same seed, same code: the same report (to the last digit) and the same files.
    expect(JSON.parse(inWorker.stdout)).toEqual(JSON.parse(inMain.stdout));
    expect(inWorker.stderr.replaceAll('main-out', 'worker-out')).toBe(
      inMain.stderr.replaceAll('main-out', 'worker-out'),
    );
    expect(readdirSync(join(cwd, 'worker-out', 'model')).sort()).toEqual([
      'model.json',
      'weighting-spec.json',
      'weights.bin',
    ]);
    expect(readdirSync(cwd).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses an unknown WEIGHTSPEC_TRAIN_IN_WORKER before training, as one typed line, exit 1', async () => {
    const run = await runBuiltCli(tinyTrainArguments('tfjs', 1, 'env-out'), {
      cwd,
      env: { WEIGHTSPEC_TRAIN_IN_WORKER: 'yes' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error WS_INVALID_INPUT: WEIGHTSPEC_TRAIN_IN_WORKER: must be 0 (train in the main thread) or 1 (train in a worker thread), or unset; got "yes"\n',
    );
    expect(readdirSync(cwd)).not.toContain('env-out');
  });

  it('reports a bad input from the worker as the one-line typed error, exit 1', async () => {
    const run = await runBuiltCli(tinyTrainArguments('tfjs', 1, 'bad-out', ['--features', 'nope']), { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error WS_INVALID_INPUT: .*nope/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'bad-out'))).toBe(false);
  });
});
