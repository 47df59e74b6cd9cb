import { describe, expect, it } from 'vitest';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { splitDataset } from './dataset-split.ts';
import { loadTabularDataset } from './tabular-dataset.ts';

describe('splitDataset', () => {
  it('splits builtin:seattle-weather exactly as @weightspec/conformance splitAndStandardize does for the same seed', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const mine = splitDataset(dataset, 0.25, 42);
    const theirs = splitAndStandardize(await loadSeattleWeather(), { trainFraction: 0.75, seed: 42 });
    expect(mine.train.labels).toEqual(theirs.trainLabels);
    expect(mine.test.labels).toEqual(theirs.testLabels);
    expect(mine.means).toEqual(theirs.means);
    expect(mine.test.features[5]).toEqual(theirs.testFeatures[5]);
  });

  it('keeps every class on both sides and standardizes training features to mean 0, deviation 1', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const { train, test } = splitDataset(dataset, 0.25, 3);
    // snow has 26 rows: round(26 * 0.75) = 20 train, 6 test.
    expect(train.labels.filter((label) => label === 3)).toHaveLength(20);
    expect(test.labels.filter((label) => label === 3)).toHaveLength(6);
    const column = train.features.map((row) => row[1] as number);
    const mean = column.reduce((sum, value) => sum + value, 0) / column.length;
    const variance = column.reduce((sum, value) => sum + (value - mean) ** 2, 0) / column.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(1, 12);
  });

  it('scores on the training rows when the test fraction is 0', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const { train, test } = splitDataset(dataset, 0, 1);
    expect(test.labels).toEqual(train.labels);
    expect(train.labels).toHaveLength(1461);
  });
});
