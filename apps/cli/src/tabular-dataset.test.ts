import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { hasErrorCode } from '@weightspec/core';
import { loadTabularDataset } from './tabular-dataset.ts';
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
    expect(dataset.features).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(dataset.classNames).toEqual(['a', 'b']);
    expect(dataset.labels).toEqual([1, 0, 1]);
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
    expect(dataset.sampleWeights).toEqual([2, 0.5]);
    expect(dataset.difficulty).toEqual([0.1, 0.9]);
    expect(dataset.labels).toEqual([0, 1]);
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

  it('rejects an unknown built-in dataset', async () => {
    const thrown = await loadTabularDataset('builtin:iris', {}).catch((error: unknown) => error);
    expect((thrown as Error).message).toContain('unknown built-in dataset "iris"');
  });
});
