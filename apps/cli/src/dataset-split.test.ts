import { describe, expect, it } from 'vitest';
import { loadSeattleWeather, splitAndStandardize } from '@weightspec/conformance/datasets';
import { splitDataset } from './dataset-split.ts';
import { loadTabularDataset } from './tabular-dataset.ts';

/** Row `row` of a dense matrix as plain numbers. */
function denseRow(matrix: { values: ArrayLike<number>; columns: number }, row: number): number[] {
  return Array.from({ length: matrix.columns }, (_, column) => matrix.values[row * matrix.columns + column] as number);
}

describe('splitDataset', () => {
  it('splits builtin:seattle-weather exactly as @weightspec/conformance splitAndStandardize does for the same seed', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const mine = splitDataset(dataset, 0.25, 42);
    const theirs = splitAndStandardize(await loadSeattleWeather(), { trainFraction: 0.75, seed: 42 });
    expect(Array.from(mine.train.labels)).toEqual(theirs.trainLabels);
    expect(Array.from(mine.test.labels)).toEqual(theirs.testLabels);
    expect(mine.means).toEqual(theirs.means);
    expect(denseRow(mine.test.features, 5)).toEqual(theirs.testFeatures[5]);
    expect(denseRow(mine.train.features, 100)).toEqual(theirs.trainFeatures[100]);
  });

  it('keeps every class on both sides and standardizes training features to mean 0, deviation 1', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const { train, test } = splitDataset(dataset, 0.25, 3);
    // snow has 26 rows: round(26 * 0.75) = 20 train, 6 test.
    expect(train.labels.filter((label) => label === 3)).toHaveLength(20);
    expect(test.labels.filter((label) => label === 3)).toHaveLength(6);
    const column = Array.from({ length: train.features.rows }, (_, row) => denseRow(train.features, row)[1] as number);
    const mean = column.reduce((sum, value) => sum + value, 0) / column.length;
    const variance = column.reduce((sum, value) => sum + (value - mean) ** 2, 0) / column.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(1, 12);
  });

  it('scores on the training rows when the test fraction is 0', async () => {
    const dataset = await loadTabularDataset('builtin:seattle-weather', {});
    const { train, test } = splitDataset(dataset, 0, 1);
    expect(test.labels).toBe(train.labels);
    expect(train.labels).toHaveLength(1461);
  });

  it('splits a class of 300k rows (push(...rows) overflowed the stack past ~125k), in both copies of the split', () => {
    // 300000 rows of class 0 and 1000 of class 1; round(n_c * 0.75) train rows per class, counted by hand.
    const count = 301_000;
    const labels = Int32Array.from({ length: count }, (_, row) => (row < 300_000 ? 0 : 1));
    const features = Array.from(labels, (_, row) => [row % 7]);
    const dataset = {
      name: 'large',
      features: { values: Float32Array.from(features.flat()), rows: count, columns: 1 },
      featureOffsets: new Float64Array(1),
      labels,
      featureNames: ['x'],
      classNames: ['a', 'b'],
      sampleWeights: null,
      difficulty: null,
      skippedColumns: [],
    };
    // splitAndStandardize gets the same rows as number[][] first: the split reorders the arrays in place.
    const theirs = splitAndStandardize(
      { ...dataset, features, labels: Array.from(labels), dates: [] },
      { trainFraction: 0.75, seed: 1 },
    );
    const { train, test } = splitDataset(dataset, 0.25, 1);
    expect(train.labels.filter((label) => label === 0)).toHaveLength(225_000);
    expect(train.labels.filter((label) => label === 1)).toHaveLength(750);
    expect(test.labels).toHaveLength(75_250);
    expect(Array.from(train.labels)).toEqual(theirs.trainLabels);
    expect(Array.from(test.labels)).toEqual(theirs.testLabels);
    // float32 storage of the standardized value: equal to the float64 reference to float32's precision.
    for (const row of [0, 1234, 75_249])
      expect(test.features.values[row]).toBeCloseTo(theirs.testFeatures[row]?.[0] as number, 6);
  });

  it("moves each row's weight and difficulty with its features and standardizes with the file values", () => {
    // Row r has feature 1000 + r stored as r with offset 1000, weight r and difficulty 10 r, so after the
    // reordering every part's row must still satisfy weight = difficulty / 10 = feature - 1000.
    const count = 40;
    const dataset = {
      name: 'tracked',
      features: { values: Float32Array.from({ length: count }, (_, row) => row), rows: count, columns: 1 },
      featureOffsets: Float64Array.of(1000),
      labels: Int32Array.from({ length: count }, (_, row) => row % 2),
      featureNames: ['x'],
      classNames: ['a', 'b'],
      sampleWeights: Float64Array.from({ length: count }, (_, row) => row),
      difficulty: Float64Array.from({ length: count }, (_, row) => 10 * row),
      skippedColumns: [],
    };
    const { train, test, means, deviations } = splitDataset(dataset, 0.25, 9);
    // Each class has 20 rows: round(20 * 0.75) = 15 train rows per class.
    expect([train.labels.length, test.labels.length]).toEqual([30, 10]);
    for (const part of [train, test])
      part.labels.forEach((label, index) => {
        const row = part.sampleWeights?.[index] as number;
        expect(part.difficulty?.[index]).toBe(10 * row);
        expect(label).toBe(row % 2);
        const fileValue = 1000 + row;
        expect(part.features.values[index]).toBeCloseTo(
          (fileValue - (means[0] as number)) / (deviations[0] as number),
          5,
        );
      });
    // Training rows keep file order.
    const trainRows = Array.from(train.sampleWeights ?? []);
    expect(trainRows).toEqual([...trainRows].sort((left, right) => left - right));
    // The mean is of file values (1000 + r), not of the stored offsets-removed values.
    expect(means[0]).toBeCloseTo(trainRows.reduce((sum, row) => sum + 1000 + row, 0) / 30, 9);
  });
});
