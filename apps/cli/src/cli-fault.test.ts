import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  rmSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_CLI,
  runBuiltCli,
  temporaryFolder,
  tinyTrainArguments,
  writeTinyTrainingFiles,
} from './test-cli-process.ts';

// Fault tests on the built CLI (issue 12), outputs: interruption, outputs that are inputs, unwritable or full.
const folder = temporaryFolder('fault');
afterAll(() => folder.remove());
const cwd = folder.path;
const largeModelAdapter = fileURLToPath(new URL('./test-fixtures/large-model-adapter.mjs', import.meta.url));
const centroidAdapter = fileURLToPath(new URL('./test-fixtures/nearest-centroid-adapter.mjs', import.meta.url));
/** The fixture's model size (MODEL_BYTES in large-model-adapter.mjs). */
const MODEL_BYTES = 32 * 2 ** 20;

beforeAll(() => writeTinyTrainingFiles(cwd));

/** The seed whose complete model is in `out` (every byte equal to seed % 256), or a description of what is wrong. */
function completeModelSeed(out: string): number | string {
  const file = join(cwd, out, 'model', 'model.bin');
  if (!existsSync(file)) return 'no model file';
  const bytes = readFileSync(file);
  if (bytes.length !== MODEL_BYTES) return `truncated model: ${bytes.length} of ${MODEL_BYTES} bytes`;
  const value = bytes[0] as number;
  if (!bytes.every((byte) => byte === value)) return 'mixed model bytes';
  const resolved = JSON.parse(readFileSync(join(cwd, out, 'weightspec.resolved.json'), 'utf8'));
  if (resolved.training.seed !== value)
    return `model of seed ${value} beside the resolved spec of seed ${resolved.training.seed}`;
  return value;
}

/** Starts the CLI and sends SIGINT as soon as the adapter says it is saving; resolves to the exit status. */
function interruptWhileSaving(
  args: string[],
  environment: Readonly<Record<string, string>>,
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...environment },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      // A few pieces into the 32 MiB write: the staging file is partly written.
      if (chunk.includes('large-model: saving')) setTimeout(() => child.kill('SIGINT'), 150);
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stderr }));
  });
}

describe('weightspec (built CLI) under faults', () => {
  // In a worker thread (where `train --adapter tfjs` runs) the signal reaches only the main thread,
  // which removes the temporary outputs the worker reported.
  it.each([
    ['the main thread', { WEIGHTSPEC_TRAIN_IN_WORKER: '0' }],
    ['a worker thread', { WEIGHTSPEC_TRAIN_IN_WORKER: '1' }],
  ])(
    'SIGINT while a large model is written in %s leaves the previous complete model and no temporary file',
    async (_, env) => {
      const first = await runBuiltCli(tinyTrainArguments(largeModelAdapter, 1, 'out'), { cwd, env });
      expect(first.stderr).not.toContain('error');
      expect(completeModelSeed('out')).toBe(1);
      const interrupted = await interruptWhileSaving(tinyTrainArguments(largeModelAdapter, 2, 'out', ['--force']), env);
      expect(interrupted.status).toBe(130);
      expect(interrupted.stderr).toContain('interrupted (SIGINT)');
      expect(interrupted.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(completeModelSeed('out')).toBe(1);
      expect(readdirSync(cwd).filter((name) => name.startsWith('.'))).toEqual([]);
      // Without an interruption the new model replaces the old one as a whole.
      const second = await runBuiltCli(tinyTrainArguments(largeModelAdapter, 2, 'out', ['--force']), { cwd, env });
      expect(second.status).toBe(0);
      expect(completeModelSeed('out')).toBe(2);
      rmSync(join(cwd, 'out'), { recursive: true });
      expect(readdirSync(cwd).filter((name) => name.startsWith('.'))).toEqual([]);
    },
  );

  it('--force into a folder another adapter wrote leaves no stale model beside the new one', async () => {
    expect((await runBuiltCli(tinyTrainArguments(largeModelAdapter, 3, 'switch'), { cwd })).status).toBe(0);
    expect((await runBuiltCli(tinyTrainArguments(centroidAdapter, 3, 'switch', ['--force']), { cwd })).status).toBe(0);
    expect(readdirSync(join(cwd, 'switch', 'model'))).toEqual(['centroids.json']);
  });

  it('refuses --out equal to any input even with --force, and the input is untouched', async () => {
    const data = readFileSync(join(cwd, 'data.csv'), 'utf8');
    const weightsRun = await runBuiltCli(
      ['weights', '--spec', 'spec.json', '--data', 'data.csv', '--label', 'label', '--out', './data.csv', '--force'],
      { cwd },
    );
    expect(weightsRun.status).toBe(1);
    expect(weightsRun.stderr).toBe(
      'error WS_INVALID_INPUT: --out: ./data.csv is the same file as --data data.csv; writing it would destroy the input (refused even with --force)\n',
    );
    const specRun = await runBuiltCli(
      ['weights', '--spec', 'spec.json', '--data', 'data.csv', '--label', 'label', '--out', 'spec.json', '--force'],
      { cwd },
    );
    expect(specRun.stderr).toContain('--out: spec.json is the same file as --spec spec.json');
    // A hard link and a symbolic link to the data are the same file under another name.
    linkSync(join(cwd, 'data.csv'), join(cwd, 'hard-link.csv'));
    symlinkSync(join(cwd, 'data.csv'), join(cwd, 'soft-link.csv'));
    for (const alias of ['hard-link.csv', 'soft-link.csv']) {
      const aliasRun = await runBuiltCli(
        ['weights', '--spec', 'spec.json', '--data', 'data.csv', '--label', 'label', '--out', alias, '--force'],
        { cwd },
      );
      expect(aliasRun.stderr).toContain(`--out: ${alias} is the same file as --data data.csv`);
    }
    mkdirSync(join(cwd, 'holder'), { recursive: true });
    writeFileSync(join(cwd, 'holder', 'data.csv'), data);
    const trainRun = await runBuiltCli(
      [
        ...tinyTrainArguments(centroidAdapter, 1, 'holder', ['--force']).map((arg) =>
          arg === 'data.csv' ? 'holder/data.csv' : arg,
        ),
      ],
      { cwd },
    );
    expect(trainRun.status).toBe(1);
    expect(trainRun.stderr).toContain('the folder holder holds --data holder/data.csv');
    expect(readFileSync(join(cwd, 'data.csv'), 'utf8')).toBe(data);
    expect(readFileSync(join(cwd, 'holder', 'data.csv'), 'utf8')).toBe(data);
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable --out fails before training starts', async () => {
    mkdirSync(join(cwd, 'locked'));
    chmodSync(join(cwd, 'locked'), 0o500);
    const run = await runBuiltCli(tinyTrainArguments(largeModelAdapter, 1, 'locked/out'), { cwd });
    chmodSync(join(cwd, 'locked'), 0o700);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot create it in');
    expect(run.stderr).not.toContain('large-model: training');
  });

  it('an --out below a file fails before training starts, with one line', async () => {
    const run = await runBuiltCli(tinyTrainArguments(largeModelAdapter, 1, 'data.csv/out'), { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('large-model: training');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(statSync(join(cwd, 'data.csv')).isFile()).toBe(true);
  });

  it('a full disk while the model is written is one typed line and the previous model stays (tmpfs of 40 MB)', async (context) => {
    const disk = join(cwd, 'small-disk');
    mkdirSync(disk);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', disk], { stdio: 'ignore' });
    } catch {
      context.skip(); // mounting a small tmpfs needs root
      return;
    }
    try {
      const out = join('small-disk', 'out');
      expect((await runBuiltCli(tinyTrainArguments(largeModelAdapter, 1, out), { cwd })).status).toBe(0);
      // 32 MiB are used; a second 32 MiB model cannot fit beside the first.
      const full = await runBuiltCli(tinyTrainArguments(largeModelAdapter, 2, out, ['--force']), { cwd });
      expect(full.status).toBe(1);
      expect(full.stderr).toContain(
        'error WS_INVALID_INPUT: small-disk/out: cannot write the folder (ENOSPC: no space left on the device)\n',
      );
      expect(completeModelSeed(out)).toBe(1);
      expect(readdirSync(disk)).toEqual(['out']);
      // The folder has the mode mkdir gives (0777 minus the umask), not mkdtemp's 0700.
      expect(statSync(join(disk, 'out')).mode & 0o777).toBe(0o777 & ~process.umask());
    } finally {
      execFileSync('umount', [disk]);
    }
  });

  it('SIGINT during the second pass of weights --out --force keeps the previous weights file and leaves no temporary file', async () => {
    const rows = Array.from({ length: 300_000 }, (_, index) => `${index % 10},${index % 3 === 0 ? 'a' : 'b'}`);
    writeFileSync(join(cwd, 'many.csv'), `x,label\n${rows.join('\n')}\n`);
    const previous = 'index,label,weight\n0,a,1\n';
    writeFileSync(join(cwd, 'weights.csv'), previous);
    const child = spawn(
      process.execPath,
      [
        BUILT_CLI,
        'weights',
        '--spec',
        'spec.json',
        '--data',
        'many.csv',
        '--label',
        'label',
        '--out',
        'weights.csv',
        '--force',
      ],
      { cwd, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    // The temporary sibling appears when the second pass starts writing: interrupt then.
    const poll = setInterval(() => {
      if (readdirSync(cwd).some((name) => name.startsWith('.weights.csv.tmp-'))) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 2);
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearInterval(poll);
    expect(status).toBe(130);
    expect(readFileSync(join(cwd, 'weights.csv'), 'utf8')).toBe(previous);
    expect(readdirSync(cwd).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
