import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { hasErrorCode } from '@weightspec/core';
import { featureValue, loadTabularDataset } from './tabular-dataset.ts';
import type { TabularDataset } from './tabular-dataset.ts';

/** The dataset's features as rows of file values (stored float32 plus the column offset). */
function featureRows(dataset: TabularDataset): number[][] {
  return Array.from({ length: dataset.features.rows }, (_, row) =>
    Array.from({ length: dataset.features.columns }, (_, column) => featureValue(dataset, row, column)),
  );
}
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('tabular');
afterAll(() => folder.remove());

describe('loadTabularDataset', () => {
  it('reads an Arrow IPC file: numeric columns are features, string labels become sorted classes', async () => {
    const path = join(folder.path, 'small.arrow');
    const table = tableFromArrays({
      size: Float64Array.from([1, 2, 3]),
      count: Int32Array.from([4, 5, 6]),
      kind: ['b', 'a', 'b'],
    });
    writeFileSync(path, tableToIPC(table, 'file'));
    const dataset = await loadTabularDataset(path, { labelColumn: 'kind' });
    expect(dataset.featureNames).toEqual(['size', 'count']);
    expect(featureRows(dataset)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(dataset.classNames).toEqual(['a', 'b']);
    expect(Array.from(dataset.labels)).toEqual([1, 0, 1]);
  });

  it('reads a CSV, leaves out non-numeric columns and reads sample weights and difficulty', async () => {
    const path = join(folder.path, 'small.csv');
    writeFileSync(path, 'date,x,y,w,d\n2020-01-01,1.5,0,2,0.1\n2020-01-02,-1,1,0.5,0.9\n');
    const dataset = await loadTabularDataset(path, {
      labelColumn: 'y',
      sampleWeightColumn: 'w',
      difficultyColumn: 'd',
    });
    expect(dataset.featureNames).toEqual(['x']);
    expect(dataset.skippedColumns).toEqual(['date']);
    expect(Array.from(dataset.sampleWeights ?? [])).toEqual([2, 0.5]);
    expect(Array.from(dataset.difficulty ?? [])).toEqual([0.1, 0.9]);
    expect(Array.from(dataset.labels)).toEqual([0, 1]);
    expect(featureRows(dataset)).toEqual([[1.5], [-1]]);
  });

  it('keeps a large common offset out of float32: timestamps one second apart stay one second apart', async () => {
    // 1.7e9 needs 31 bits; float32 has 24, so storing the raw values would round them to multiples of 128.
    const path = join(folder.path, 'timestamps.csv');
    writeFileSync(path, 't,y\n1700000000,a\n1700000001,b\n1700000003,a\n');
    const dataset = await loadTabularDataset(path, { labelColumn: 'y' });
    expect(featureRows(dataset)).toEqual([[1700000000], [1700000001], [1700000003]]);
    expect(dataset.features.values).toBeInstanceOf(Float32Array);
  });

  it('reads many rows into typed arrays with labels encoded as sorted names', async () => {
    // 5000 rows with x = r / 4 (exact in float32) and label "c" + (r mod 3): classes c0, c1, c2.
    const path = join(folder.path, 'many.csv');
    const lines = Array.from({ length: 5000 }, (_, row) => `${row / 4},c${row % 3}`);
    writeFileSync(path, `x,y\r\n${lines.join('\r\n')}\r\n`);
    const dataset = await loadTabularDataset(path, { labelColumn: 'y' });
    expect(dataset.features.rows).toBe(5000);
    expect(dataset.labels).toBeInstanceOf(Int32Array);
    expect(dataset.classNames).toEqual(['c0', 'c1', 'c2']);
    for (const row of [0, 1, 2, 4999]) {
      expect(featureValue(dataset, row, 0)).toBe(row / 4);
      expect(dataset.labels[row]).toBe(row % 3);
    }
  });

  it.each([
    ['bad-feature.csv', 'x,y\n1,a\nabc,b\n', {}, 'bad-feature.csv:3: column "x": "abc" is not a finite decimal number'],
    [
      'negative-weight.csv',
      'x,y,w\n1,a,1\n2,b,-3\n',
      { sampleWeightColumn: 'w' },
      'negative-weight.csv:3: column "w": sample weight -3 is negative',
    ],
    [
      'hex-feature.csv',
      'x,y\n1,a\n0x10,b\n',
      {},
      'hex-feature.csv:3: column "x": "0x10" is not a finite decimal number',
    ],
    ['empty-feature.csv', 'x,y\n1,a\n,b\n', {}, 'empty-feature.csv:3: column "x": "" is not a finite decimal number'],
    ['huge-feature.csv', 'x,y\n1,a\n1e39,b\n', {}, 'huge-feature.csv:3: column "x": 1e+39 is beyond float32\'s range'],
    [
      'unknown-later.csv',
      'x,y\n1,a\n2,d\n3,c\n',
      { classes: ['a', 'b'] },
      'unknown-later.csv:3: label "d" is not one of the classes a, b',
    ],
    [
      'null-weight.csv',
      'x,y,w\n1,a,1\n2,b,null\n',
      { sampleWeightColumn: 'w' },
      'null-weight.csv:3: column "w": "null" is not a finite decimal number',
    ],
    [
      'duplicate-header.csv',
      'x,y,x\n1,a,2\n',
      {},
      'duplicate-header.csv:1: columns 1 and 3 are both named "x"; column names must be unique',
    ],
    [
      'unknown-class.csv',
      'x,y\n1,a\n2,c\n',
      { classes: ['a', 'b'] },
      'unknown-class.csv:3: label "c" is not one of the classes a, b',
    ],
  ])('rejects %s naming the line and column', async (name, text, extra, message) => {
    const path = join(folder.path, name);
    writeFileSync(path, text);
    const thrown = await loadTabularDataset(path, { labelColumn: 'y', ...extra }).catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });

  it('reads a CSV from a FIFO in one pass (the line-break count that sizes the arrays skips what cannot be re-read)', async () => {
    const path = join(folder.path, 'pipe.csv');
    execFileSync('mkfifo', [path]);
    const writer = spawn('sh', ['-c', `printf 'x,y\\n1,a\\n2,b\\n3,a\\n' > '${path}'`]);
    const written = new Promise((resolve) => writer.once('exit', resolve));
    const dataset = await loadTabularDataset(path, { labelColumn: 'y' });
    await written;
    expect(featureRows(dataset)).toEqual([[1], [2], [3]]);
    expect(Array.from(dataset.labels)).toEqual([0, 1, 0]);
  });

  it('rejects an unknown built-in dataset', async () => {
    const thrown = await loadTabularDataset('builtin:iris', {}).catch((error: unknown) => error);
    expect((thrown as Error).message).toContain('unknown built-in dataset "iris"');
  });
});
