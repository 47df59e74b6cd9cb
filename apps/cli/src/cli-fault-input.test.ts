import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder, tinyTrainArguments, writeTinyTrainingFiles } from './test-cli-process.ts';

// Fault tests on the built CLI (issue 12), inputs: hostile data, specs and adapter modules, and the
// rule that every failure is one typed line (a stack only with --debug or WEIGHTSPEC_DEBUG=1).
const folder = temporaryFolder('fault-input');
afterAll(() => folder.remove());
const cwd = folder.path;
const centroidAdapter = fileURLToPath(new URL('./test-fixtures/nearest-centroid-adapter.mjs', import.meta.url));

beforeAll(() => writeTinyTrainingFiles(cwd));

describe('weightspec (built CLI) on hostile input', () => {
  it('a stray quote near the top of a 20 MB CSV fails with a typed error under --max-old-space-size=64', async () => {
    // ~20 MB of rows after an unclosed quote on line 3: a reader that buffers the rest would need ~40 MB of
    // string plus its field copies; the bounded reader holds one 1 MiB record and stops.
    const rows = Array.from({ length: 100_000 }, (_, index) => `${index},${index % 2 === 0 ? 'a' : 'b'}`).join('\n');
    const body = `${rows}\n`.repeat(20);
    writeFileSync(join(cwd, 'stray.csv'), `x,label\n1,a\n2,"b\n${body}`);
    for (const command of [
      ['weights', '--spec', 'spec.json', '--data', 'stray.csv', '--label', 'label'],
      tinyTrainArguments(centroidAdapter, 1, 'stray-out').map((arg) => (arg === 'data.csv' ? 'stray.csv' : arg)),
    ]) {
      const run = await runBuiltCli(command, { cwd, nodeArguments: ['--max-old-space-size=64'] });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        'error WS_INVALID_INPUT: stray.csv:3: a quoted field that starts on this line is still open after 1048576 characters; is a closing quote missing?\n',
      );
    }
  });

  it('a FIFO as --data of the two-pass weights command and /dev/zero as --data fail with one line', async () => {
    execFileSync('mkfifo', [join(cwd, 'pipe.csv')]);
    const fifo = await runBuiltCli(['weights', '--spec', 'spec.json', '--data', 'pipe.csv', '--label', 'label'], {
      cwd,
    });
    expect(fifo.status).toBe(1);
    expect(fifo.stderr).toBe(
      'error WS_INVALID_INPUT: pipe.csv: is not a regular file (a pipe, socket or device); weightspec weights reads its data twice, so save it to a file first\n',
    );
    const zero = await runBuiltCli(
      tinyTrainArguments(centroidAdapter, 1, 'zero-out').map((arg) => (arg === 'data.csv' ? '/dev/zero' : arg)),
      { cwd, nodeArguments: ['--max-old-space-size=64'] },
    );
    expect(zero.status).toBe(1);
    expect(zero.stderr).toBe(
      'error WS_INVALID_INPUT: /dev/zero:1: a record longer than 1048576 characters (no line break); is this a CSV file?\n',
    );
  });

  it('an unexpected failure is one line without --debug and shows the stack with --debug', async () => {
    // A spec path that is a folder: readFile fails with EISDIR, turned into a typed one-line error.
    const folderSpec = await runBuiltCli(['validate', '.'], { cwd });
    expect(folderSpec.status).toBe(1);
    expect(folderSpec.stderr).not.toMatch(/\n\s+at /);
    const thrower = join(cwd, 'thrower.mjs');
    // A trainer whose train() fails with a plain TypeError: a bug, not bad input, shown by name in one line.
    writeFileSync(
      thrower,
      'export const createClassifierTrainer = () => ({ id: "x", async train() { throw new TypeError("boom"); } });\n',
    );
    const plain = await runBuiltCli(tinyTrainArguments(thrower, 1, 'thrower-out'), { cwd });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain(
      'error: TypeError: boom (unexpected; --debug or WEIGHTSPEC_DEBUG=1 shows the stack)\n',
    );
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const environment = await runBuiltCli(tinyTrainArguments(thrower, 1, 'thrower-out'), {
      cwd,
      env: { WEIGHTSPEC_DEBUG: '1' },
    });
    expect(environment.stderr).toMatch(/error: TypeError: boom\n\s*TypeError: boom\n\s+at /);
    const debug = await runBuiltCli([...tinyTrainArguments(thrower, 1, 'thrower-out'), '--debug'], { cwd });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a spec that never ends (/dev/zero) and broken adapter modules fail with one typed line', async () => {
    const zeroSpec = await runBuiltCli(['validate', '/dev/zero'], { cwd, nodeArguments: ['--max-old-space-size=64'] });
    expect(zeroSpec.stderr).toBe(
      'error WS_INVALID_INPUT: /dev/zero: is longer than 16777216 characters; this is not a weighting spec\n',
    );
    writeFileSync(join(cwd, 'throws-at-load.mjs'), 'throw new Error("broken at load");\n');
    writeFileSync(join(cwd, 'returns-empty.mjs'), 'export const createClassifierTrainer = () => ({});\n');
    const expected: [string, string][] = [
      [
        './missing.mjs',
        `error WS_INVALID_INPUT: --adapter: cannot find the adapter module ${join(cwd, 'missing.mjs')}\n`,
      ],
      [
        './throws-at-load.mjs',
        'error WS_INVALID_INPUT: --adapter: the adapter module ./throws-at-load.mjs failed to load: broken at load\n',
      ],
      [
        './returns-empty.mjs',
        'error WS_INVALID_INPUT: --adapter: ./returns-empty.mjs: createClassifierTrainer() returned an object without a train() method\n',
      ],
    ];
    for (const [adapter, message] of expected) {
      const run = await runBuiltCli(tinyTrainArguments(adapter, 1, 'broken-out'), { cwd });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(message);
    }
  });
});
