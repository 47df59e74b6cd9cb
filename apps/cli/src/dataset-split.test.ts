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

  it('splits a class of 300k rows (push(...rows) overflowed the stack past ~125k), in both copies of the split', () => {
    // 300000 rows of class 0 and 1000 of class 1; round(n_c * 0.75) train rows per class, counted by hand.
    const count = 301_000;
    const labels = Array.from({ length: count }, (_, row) => (row < 300_000 ? 0 : 1));
    const features = labels.map((_, row) => [row % 7]);
    const dataset = {
      name: 'large',
      features,
      labels,
      featureNames: ['x'],
      classNames: ['a', 'b'],
      sampleWeights: null,
      difficulty: null,
      skippedColumns: [],
    };
    const { train, test } = splitDataset(dataset, 0.25, 1);
    expect(train.labels.filter((label) => label === 0)).toHaveLength(225_000);
    expect(train.labels.filter((label) => label === 1)).toHaveLength(750);
    expect(test.labels).toHaveLength(75_250);
    const theirs = splitAndStandardize({ ...dataset, dates: [] }, { trainFraction: 0.75, seed: 1 });
    expect(theirs.trainLabels).toEqual(train.labels);
  });
});
