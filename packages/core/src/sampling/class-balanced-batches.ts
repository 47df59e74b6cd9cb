import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { createSeededRandom, shuffleInPlace } from '../random/seeded-random.ts';
import { checkPositiveInteger } from '../validate/input-validators.ts';
import { checkOptionsObject, checkSeed } from './weighted-sampler.ts';

/** Options of {@link classBalancedBatches}. */
export interface ClassBalancedBatchOptions {
  /** Samples per batch (a positive integer). */
  readonly batchSize: number;
  /** Number of batches; default ceil(N / batchSize), one epoch's worth. */
  readonly numBatches?: number;
  /** Seed of core's PRNG (an integer). */
  readonly seed: number;
}

/**
 * Batches of row indices in which every class present in `labels` has the same share: each batch
 * takes floor(batchSize / C) rows of every class and the remaining batchSize mod C slots go to classes
 * in turn, so over batches each class gets 1/C of the rows (imbalanced-learn's BalancedBatchGenerator
 * idea, with oversampling instead of undersampling). Rows of a class are drawn from a shuffled pool
 * that is reshuffled when used up, so a rare class repeats and a frequent one is seen in part.
 *
 * In expectation this is the `balanced` class weighting n / (C n_c): a class's rows get total mass
 * 1/C either way, uniformly within the class, so the mean of a per-row quantity over the batches
 * estimates its class-balanced weighted mean. Labels may be strings or numbers.
 */
export function classBalancedBatches<Label extends ClassLabel>(
  labels: ArrayLike<Label>,
  options: ClassBalancedBatchOptions,
): Int32Array[] {
  const { codes, classes } = encodeLabels(labels);
  if (codes.length === 0) throw new InvalidInputError('labels', 'needs at least one label');
  checkOptionsObject(options, '{ batchSize, numBatches?, seed }');
  const batchSize = checkPositiveInteger('batchSize', options.batchSize);
  const numBatches =
    options.numBatches === undefined
      ? Math.ceil(codes.length / batchSize)
      : checkPositiveInteger('numBatches', options.numBatches);
  const random = createSeededRandom(checkSeed(options.seed));
  const classCount = classes.length;
  const pools: number[][] = Array.from({ length: classCount }, () => []);
  codes.forEach((code, row) => {
    (pools[code] as number[]).push(row);
  });
  const positions = new Array<number>(classCount).fill(0);
  for (const pool of pools) shuffleInPlace(pool, random);
  const take = (code: number): number => {
    const pool = pools[code] as number[];
    if ((positions[code] as number) >= pool.length) {
      shuffleInPlace(pool, random);
      positions[code] = 0;
    }
    const row = pool[positions[code] as number] as number;
    positions[code] = (positions[code] as number) + 1;
    return row;
  };
  const perClass = Math.floor(batchSize / classCount);
  const extra = batchSize % classCount;
  let nextExtraClass = 0;
  const batches: Int32Array[] = [];
  for (let batch = 0; batch < numBatches; batch += 1) {
    const rows: number[] = [];
    for (let code = 0; code < classCount; code += 1)
      for (let count = 0; count < perClass; count += 1) rows.push(take(code));
    for (let count = 0; count < extra; count += 1) {
      rows.push(take(nextExtraClass));
      nextExtraClass = (nextExtraClass + 1) % classCount;
    }
    batches.push(Int32Array.from(shuffleInPlace(rows, random)));
  }
  return batches;
}
