import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode, parseWeightingSpec } from '@weightspec/core';
import { summarizeWeights, writeSampleWeights } from './streaming-weights.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('weights');
afterAll(() => folder.remove());

function csv(name: string, text: string): string {
  const path = join(folder.path, name);
  writeFileSync(path, text);
  return path;
}

describe('summarizeWeights and writeSampleWeights', () => {
  it('resolves balanced class weights and mean_one sample weights from a streamed CSV', async () => {
    const dataPath = csv('softmax.csv', 'x,y,s\n0,cat,1\n0,dog,3\n0,cat,2\n0,cat,2\n');
    const spec = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
      sample: { normalize: 'mean_one' },
    });
    const options = { dataPath, spec, labelColumn: 'y', sampleWeightColumn: 's' };
    const summary = await summarizeWeights(options);
    // By hand: n = 4, C = 2, n_cat = 3, n_dog = 1 -> balanced n/(C n_c) = 4/6 and 4/2; mean s = 8/4 = 2 -> scale 1/2.
    expect(summary.encoding?.classNames).toEqual(['cat', 'dog']);
    expect(summary.stats).toEqual({ kind: 'classes', classCounts: [3, 1] });
    expect(summary.resolved.classWeights?.[0]).toBeCloseTo(2 / 3, 15);
    expect(summary.resolved.classWeights?.[1]).toBeCloseTo(2, 15);
    expect(summary.resolved.sampleWeightScale).toBeCloseTo(0.5, 15);
    const outputPath = join(folder.path, 'softmax-weights.json');
    expect(await writeSampleWeights(options, summary, outputPath, 'json')).toBe(4);
    // w_i = c_{y_i} * s_i * 1/2: (2/3)(1)/2, 2(3)/2, (2/3)(2)/2, (2/3)(2)/2.
    const weights = JSON.parse(readFileSync(outputPath, 'utf8')) as number[];
    [1 / 3, 3, 2 / 3, 2 / 3].forEach((expected, index) => {
      expect(weights[index]).toBeCloseTo(expected, 14);
    });
  });

  it("weights sigmoid rows by y' a+ + (1-y') a- with the smoothed target, as core does", async () => {
    const dataPath = csv('sigmoid.csv', 'y\n1\n0\n0\n0\n');
    const spec = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'sigmoid_cross_entropy', labelSmoothing: 0.2 },
      class: { strategy: 'balanced' },
    });
    const options = { dataPath, spec, labelColumn: 'y' };
    const summary = await summarizeWeights(options);
    // By hand: n = 4, n+ = 1, n- = 3 -> a+ = 4/2 = 2, a- = 4/6 = 2/3; y' = 1 * 0.8 + 0.1 = 0.9 and 0.1.
    const outputPath = join(folder.path, 'sigmoid-weights.csv');
    await writeSampleWeights(options, summary, outputPath, 'csv');
    const rows = readFileSync(outputPath, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('index,label,weight');
    const weights = rows.slice(1).map((row) => Number(row.split(',')[2]));
    const positiveRow = 0.9 * 2 + 0.1 * (2 / 3);
    const negativeRow = 0.1 * 2 + 0.9 * (2 / 3);
    [positiveRow, negativeRow, negativeRow, negativeRow].forEach((expected, index) => {
      expect(weights[index]).toBeCloseTo(expected, 14);
    });
  });

  it('gives regression rows their sample weight alone, without a label column', async () => {
    const dataPath = csv('regression.csv', 'target,s\n1.5,4\n2.5,0\n');
    const spec = parseWeightingSpec({ specVersion: 1, loss: { kind: 'mse' } });
    const options = { dataPath, spec, sampleWeightColumn: 's' };
    const summary = await summarizeWeights(options);
    const outputPath = join(folder.path, 'regression-weights.json');
    await writeSampleWeights(options, summary, outputPath, 'json');
    expect(JSON.parse(readFileSync(outputPath, 'utf8'))).toEqual([4, 0]);
  });

  it.each([
    [
      'bad-weight.csv',
      'y,s\na,1\nb,x\n',
      'bad-weight.csv:3: column "s": sample weight "x" is not a finite decimal number >= 0',
    ],
    ['short-row.csv', 'y,s\na,1\nb\n', 'short-row.csv:3: the row has 1 fields, the header has 2'],
    ['empty-label.csv', 'y,s\na,1\n ,1\n', 'empty-label.csv:3: column "y" is empty'],
    ['no-column.csv', 'label,s\na,1\n', 'no-column.csv:1: no column "y"; the columns are: label, s'],
  ])('rejects %s with the file, line and column', async (name, text, message) => {
    const spec = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      class: { strategy: 'balanced' },
    });
    const thrown = await summarizeWeights({
      dataPath: csv(name, text),
      spec,
      labelColumn: 'y',
      sampleWeightColumn: 's',
    }).catch((error: unknown) => error);
    expect(hasErrorCode(thrown, 'WS_INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});
