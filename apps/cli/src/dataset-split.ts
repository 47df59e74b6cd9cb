import { InvalidInputError, createSeededRandom, shuffleInPlace } from '@weightspec/core';
import type { DenseFeatureMatrix } from '@weightspec/core';
import type { TabularDataset } from './tabular-dataset.ts';

/** Rows of one side of a split: views into the dataset's arrays (standardized features, no offsets). */
export interface DatasetPart {
  readonly features: DenseFeatureMatrix;
  readonly labels: Int32Array;
  readonly sampleWeights: Float64Array | null;
  readonly difficulty: Float64Array | null;
}

/** A train/test split with features standardized by the training rows' mean and deviation. */
export interface DatasetSplit {
  readonly train: DatasetPart;
  readonly test: DatasetPart;
  /** Per-feature training mean and (population) standard deviation used to standardize both sides. */
  readonly means: number[];
  readonly deviations: number[];
}

type Columnar = Pick<TabularDataset, 'features' | 'featureOffsets' | 'labels' | 'sampleWeights' | 'difficulty'>;

/** A part viewing rows [start, end) of `dataset`, keeping its offsets until standardization. */
function view(dataset: Columnar, start: number, end: number): Columnar {
  const { values, columns } = dataset.features;
  return {
    features: { values: values.subarray(start * columns, end * columns), rows: end - start, columns },
    featureOffsets: dataset.featureOffsets,
    labels: dataset.labels.subarray(start, end),
    sampleWeights: dataset.sampleWeights?.subarray(start, end) ?? null,
    difficulty: dataset.difficulty?.subarray(start, end) ?? null,
  };
}

/**
 * Moves the rows marked in `isTrain` to the front of every array and the others after them, each side
 * in file order, in place and in one pass per array: a training row is copied forward to the next free
 * training position (never above its own index, and every index below it was already read), a test
 * row is copied out; the test rows are then written back after the training rows. The only extra
 * memory is a copy of the test rows (no index arrays).
 */
function partitionInPlace(dataset: Columnar, isTrain: Uint8Array, trainCount: number): void {
  const { values, columns } = dataset.features;
  const count = isTrain.length;
  const moveRows = (array: Float32Array | Float64Array | Int32Array, width: number) => {
    const saved = new (array.constructor as new (size: number) => typeof array)((count - trainCount) * width);
    let trainAt = 0;
    let testAt = 0;
    for (let row = 0; row < count; row += 1) {
      // Element by element: a subarray per row would make millions of short-lived objects.
      if (isTrain[row] === 1) {
        if (row !== trainAt)
          for (let column = 0; column < width; column += 1)
            array[trainAt * width + column] = array[row * width + column] as number;
        trainAt += 1;
      } else {
        for (let column = 0; column < width; column += 1)
          saved[testAt * width + column] = array[row * width + column] as number;
        testAt += 1;
      }
    }
    array.set(saved, trainCount * width);
  };
  moveRows(values, columns);
  moveRows(dataset.labels, 1);
  if (dataset.sampleWeights) moveRows(dataset.sampleWeights, 1);
  if (dataset.difficulty) moveRows(dataset.difficulty, 1);
}

/**
 * Standardizes both parts IN PLACE with the training part's statistics (a zero deviation is taken as
 * 1): mean and population deviation in float64 over the training rows' file values (stored value plus
 * the column offset), then each value becomes (value - mean) / deviation. `test` may be `train`
 * itself (--test-fraction 0); the parts' arrays are overwritten, so the dataset is consumed.
 */
export function standardizeParts(train: Columnar, test: Columnar): DatasetSplit {
  const { columns, rows: count } = train.features;
  const trainValues = train.features.values;
  const means: number[] = [];
  const deviations: number[] = [];
  for (let column = 0; column < columns; column += 1) {
    const offset = train.featureOffsets[column] as number;
    let sum = 0;
    for (let row = 0; row < count; row += 1) sum += (trainValues[row * columns + column] as number) + offset;
    const mean = sum / count;
    let squares = 0;
    for (let row = 0; row < count; row += 1)
      squares += ((trainValues[row * columns + column] as number) + offset - mean) ** 2;
    means.push(mean);
    deviations.push(Math.sqrt(squares / count) || 1);
  }
  const standardize = (part: Columnar) => {
    const { values, rows } = part.features;
    for (let column = 0; column < columns; column += 1) {
      const offset = part.featureOffsets[column] as number;
      const mean = means[column] as number;
      const deviation = deviations[column] as number;
      for (let row = 0; row < rows; row += 1) {
        const index = row * columns + column;
        values[index] = ((values[index] as number) + offset - mean) / deviation;
      }
    }
  };
  standardize(train);
  if (test.features.values !== trainValues) standardize(test);
  const part = ({ features, labels, sampleWeights, difficulty }: Columnar): DatasetPart => ({
    features,
    labels,
    sampleWeights,
    difficulty,
  });
  return {
    train: part(train),
    test: test.features.values === trainValues ? part(train) : part(test),
    means,
    deviations,
  };
}

/**
 * A stratified, seeded split: each class's rows are shuffled (mulberry32 from `seed`) and the first
 * round(n_c * (1 - testFraction)) train, so a rare class lands on both sides; rows keep file order.
 * The same algorithm as splitAndStandardize in @weightspec/conformance, so builtin:seattle-weather
 * splits as the demo and benchmarks do. testFraction 0 scores on the training rows.
 *
 * Memory: the dataset's arrays are reordered (training rows first) and standardized in place, and the
 * parts are views of them; the dataset must not be used afterwards. Besides a mark per row (1 byte)
 * and the largest class's row indices (4 bytes a row) the only copy is of the test rows, while they
 * are moved.
 */
export function splitDataset(dataset: TabularDataset, testFraction: number, seed: number): DatasetSplit {
  const random = createSeededRandom(seed);
  const count = dataset.labels.length;
  const classCount = dataset.classNames.length;
  const perClass = new Int32Array(classCount);
  for (let row = 0; row < count; row += 1) {
    const label = dataset.labels[row] as number;
    perClass[label] = (perClass[label] as number) + 1;
  }
  const isTrain = new Uint8Array(count);
  let trainCount = 0;
  // One buffer for every class's rows (a class's rows are its front part): shuffleInPlace is the
  // conformance split's own shuffle (same draws, same order), and an Int32Array holds a row in 4 bytes.
  const classRows = new Int32Array(perClass.reduce((largest, size) => Math.max(largest, size), 0));
  for (let label = 0; label < classCount; label += 1) {
    const rows = classRows.subarray(0, perClass[label] as number);
    let filled = 0;
    for (let row = 0; row < count; row += 1) if (dataset.labels[row] === label) rows[filled++] = row;
    shuffleInPlace(rows, random);
    const cut = Math.round(rows.length * (1 - testFraction));
    for (let position = 0; position < cut; position += 1) isTrain[rows[position] as number] = 1;
    trainCount += cut;
  }
  if (trainCount === 0) throw new InvalidInputError('--test-fraction', `leaves no training rows out of ${count}`);
  if (testFraction === 0) {
    const all = view(dataset, 0, count);
    return standardizeParts(all, all);
  }
  if (trainCount === count)
    throw new InvalidInputError(
      '--test-fraction',
      `leaves no test rows out of ${count}; use 0 to score on the training rows`,
    );
  partitionInPlace(dataset, isTrain, trainCount);
  return standardizeParts(view(dataset, 0, trainCount), view(dataset, trainCount, count));
}
