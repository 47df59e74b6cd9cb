import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWeightingSpec } from '@weightspec/core';
import { parseCommandArguments } from './cli-arguments.ts';
import { createRowWeightGenerator, generatedWeightOptions, parseDateCell } from './generated-sample-weights.ts';
import { summarizeWeights, writeSampleWeights } from './streaming-weights.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('generated-weights');
afterAll(() => folder.remove());

function csv(name: string, text: string): string {
  const path = join(folder.path, name);
  writeFileSync(path, text);
  return path;
}

const parse = (args: string[]) =>
  parseCommandArguments('weights', args, { ...generatedWeightOptions, 'sample-weight': { type: 'string' } });

describe('weights --date/--half-life and --sigma', () => {
  const dataPath = csv('dated.csv', 'date,sigma,label\n2024-01-01,1,a\n2024-01-03,2,b\n2024-01-02T00:00:00Z,0.5,a\n');

  it('multiplies recency and 1/sigma^2 into the sample weights, worked by hand', async () => {
    const rowWeights = await createRowWeightGenerator(
      parse(['--date', 'date', '--half-life', '2d', '--sigma', 'sigma']),
      dataPath,
    );
    expect(rowWeights?.columns).toEqual(['date', 'sigma']);
    const spec = parseWeightingSpec({
      specVersion: 1,
      loss: { kind: 'softmax_cross_entropy' },
      sample: { normalize: 'mean_one' },
    });
    const options = { dataPath, spec, labelColumn: 'label', rowWeights };
    const summary = await summarizeWeights(options);
    // Ages from the newest date (Jan 3): 2, 0, 1 days; half-life 2 days -> 1/2, 1, 2^-1/2.
    // 1/sigma^2: 1, 1/4, 4. Products: 1/2, 1/4, 4 * 2^-1/2; mean_one divides by their mean.
    const products = [0.5, 0.25, 4 * 2 ** -0.5];
    const mean = products.reduce((sum, value) => sum + value, 0) / 3;
    expect(summary.sampleWeightSum).toBeCloseTo(mean * 3, 14);
    const outputPath = join(folder.path, 'dated.json');
    await writeSampleWeights(options, summary, outputPath, 'json');
    const weights = JSON.parse(readFileSync(outputPath, 'utf8')) as number[];
    products.forEach((product, index) => {
      expect(weights[index]).toBeCloseTo(product / mean, 14);
    });
  });

  it('floors old rows at --min-weight', async () => {
    const rowWeights = await createRowWeightGenerator(
      parse(['--date', 'date', '--half-life', '1d', '--min-weight', '0.4']),
      dataPath,
    );
    // Ages 2, 0, 1 days with half-life 1 day: 1/4 -> 0.4, 1, 1/2.
    expect(rowWeights?.factor(['2024-01-01'], 'x')).toBe(0.4);
    expect(rowWeights?.factor(['2024-01-03'], 'x')).toBe(1);
    expect(rowWeights?.factor(['2024-01-02'], 'x')).toBe(0.5);
  });

  it('names the row and column of a bad date or sigma, and rejects bad option combinations', async () => {
    const rowWeights = await createRowWeightGenerator(parse(['--sigma', 'sigma']), dataPath);
    expect(() => rowWeights?.factor(['0'], 'data.csv:3')).toThrow(
      /data.csv:3: column "sigma": must be a standard deviation > 0/,
    );
    expect(() => rowWeights?.factor([''], 'data.csv:3')).toThrow(/data.csv:3: column "sigma"/);
    expect(() => parseDateCell('2024-02-30', 'data.csv:4', 'date')).toThrow(/data.csv:4: column "date": "2024-02-30"/);
    expect(() => parseDateCell('01/02/2024', 'data.csv:4', 'date')).toThrow(/not an ISO 8601 date/);
    // A date-time without a zone is UTC, so results do not depend on the machine's time zone.
    expect(parseDateCell('2024-01-01T10:00', 'x', 'date')).toBe(Date.UTC(2024, 0, 1, 10));
    await expect(createRowWeightGenerator(parse(['--date', 'date']), dataPath)).rejects.toThrow(/--half-life/);
    await expect(createRowWeightGenerator(parse(['--half-life', '2d']), dataPath)).rejects.toThrow(/go with --date/);
    await expect(
      createRowWeightGenerator(parse(['--date', 'date', '--half-life', '3 months']), dataPath),
    ).rejects.toThrow(/--half-life: must be a duration/);
    await expect(createRowWeightGenerator(parse(['--date', 'when', '--half-life', '2d']), dataPath)).rejects.toThrow(
      /no column "when"/,
    );
    const badDates = csv('bad-dates.csv', 'date,label\n2024-01-01,a\nyesterday,b\n');
    await expect(createRowWeightGenerator(parse(['--date', 'date', '--half-life', '2d']), badDates)).rejects.toThrow(
      /bad-dates.csv:3: column "date": "yesterday"/,
    );
  });
});
