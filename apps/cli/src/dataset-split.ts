import { InvalidInputError, createSeededRandom, shuffleInPlace } from '@weightspec/core';
import type { TabularDataset } from './tabular-dataset.ts';

/** Rows of one side of a split. */
export interface DatasetPart {
  readonly features: number[][];
  readonly labels: number[];
  readonly sampleWeights: number[] | null;
  readonly difficulty: number[] | null;
}

/** A train/test split with features standardized by the training rows' mean and deviation. */
export interface DatasetSplit {
  readonly train: DatasetPart;
  readonly test: DatasetPart;
  /** Per-feature training mean and (population) standard deviation used to standardize both sides. */
  readonly means: number[];
  readonly deviations: number[];
}

function pick(
  dataset: Pick<TabularDataset, 'features' | 'labels' | 'sampleWeights' | 'difficulty'>,
  rows: readonly number[],
): DatasetPart {
  return {
    features: rows.map((row) => dataset.features[row] as number[]),
    labels: rows.map((row) => dataset.labels[row] as number),
    sampleWeights: dataset.sampleWeights ? rows.map((row) => dataset.sampleWeights?.[row] as number) : null,
    difficulty: dataset.difficulty ? rows.map((row) => dataset.difficulty?.[row] as number) : null,
  };
}

/** Standardizes both parts with the training part's statistics (a zero deviation is taken as 1). */
export function standardizeParts(train: DatasetPart, test: DatasetPart): DatasetSplit {
  const width = train.features[0]?.length ?? 0;
  const count = train.features.length;
  const means = Array.from(
    { length: width },
    (_, column) => train.features.reduce((sum, row) => sum + (row[column] as number), 0) / count,
  );
  const deviations = Array.from(
    { length: width },
    (_, column) =>
      Math.sqrt(
        train.features.reduce((sum, row) => sum + ((row[column] as number) - (means[column] as number)) ** 2, 0) /
          count,
      ) || 1,
  );
  const standardize = (rows: number[][]) =>
    rows.map((row) => row.map((value, column) => (value - (means[column] as number)) / (deviations[column] as number)));
  return {
    train: { ...train, features: standardize(train.features) },
    test: { ...test, features: standardize(test.features) },
    means,
    deviations,
  };
}

/**
 * A stratified, seeded split: each class's rows are shuffled (mulberry32 from `seed`) and the first
 * round(n_c * (1 - testFraction)) train, so a rare class lands on both sides; rows keep file order.
 * The same algorithm as splitAndStandardize in @weightspec/conformance, so builtin:seattle-weather
 * splits as the demo and benchmarks do. testFraction 0 scores on the training rows.
 */
export function splitDataset(dataset: TabularDataset, testFraction: number, seed: number): DatasetSplit {
  const random = createSeededRandom(seed);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let label = 0; label < dataset.classNames.length; label += 1) {
    const rows = dataset.labels.flatMap((value, row) => (value === label ? [row] : []));
    shuffleInPlace(rows, random);
    const cut = Math.round(rows.length * (1 - testFraction));
    // One push per row: push(...rows) passes every row as an argument and overflows the call stack
    // once a class has more than ~125k rows.
    for (const [position, row] of rows.entries()) (position < cut ? trainRows : testRows).push(row);
  }
  trainRows.sort((left, right) => left - right);
  testRows.sort((left, right) => left - right);
  const count = dataset.labels.length;
  if (trainRows.length === 0) throw new InvalidInputError('--test-fraction', `leaves no training rows out of ${count}`);
  if (testFraction === 0) return standardizeParts(pick(dataset, trainRows), pick(dataset, trainRows));
  if (testRows.length === 0)
    throw new InvalidInputError(
      '--test-fraction',
      `leaves no test rows out of ${count}; use 0 to score on the training rows`,
    );
  return standardizeParts(pick(dataset, trainRows), pick(dataset, testRows));
}
