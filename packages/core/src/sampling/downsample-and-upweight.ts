import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { encodeLabels } from '../labels/encode-labels.ts';
import type { ClassLabel } from '../labels/encode-labels.ts';
import { createSeededRandom } from '../random/seeded-random.ts';
import { checkFiniteNumber } from '../validate/input-validators.ts';
import { checkOptionsObject, checkSeed } from './weighted-sampler.ts';

/** Options of {@link downsampleAndUpweight}: give `factor` or `targetRatio`. */
export interface DownsampleOptions {
  /** k >= 1: keep about 1 in k rows of the majority class. */
  readonly factor?: number;
  /** Wanted majority : minority ratio after downsampling (10 for 10:1); at most the current ratio. */
  readonly targetRatio?: number;
  /** Seed of core's PRNG (an integer). */
  readonly seed: number;
}

/** The rows to train on and their weights. */
export interface DownsampledRows<Label extends ClassLabel = ClassLabel> {
  /** Kept row indices, ascending: every row of the other classes and the kept majority rows. */
  readonly indices: Int32Array;
  /** Weight of each kept row (aligned with `indices`): n_majority / kept for majority rows, 1 otherwise. */
  readonly sampleWeights: Float64Array;
  /** The downsampled class (the most frequent; ties go to the first in sorted order). */
  readonly majorityClass: Label;
  /** Majority rows kept, round(n_majority / k), at least 1. */
  readonly keptMajority: number;
  /** The factor applied: n_majority / keptMajority (equal to k when k divides n_majority). */
  readonly factor: number;
}

/**
 * Google's Machine Learning Crash Course recipe for imbalanced data ("Datasets: Class-imbalanced
 * datasets"): downsample the majority class by a factor k (keep round(n_maj / k) of its rows, drawn
 * uniformly without replacement) and upweight each kept majority row by the factor applied,
 * n_maj / kept (k when k divides n_maj). `targetRatio` r picks k = (n_maj / n_min) / r, n_min the
 * least frequent class. Returns kept indices and their sample weights, ready for any trainer's
 * features[indices], labels[indices] and sampleWeights.
 *
 * In expectation downsampling with upweighting changes nothing: each majority row is kept with
 * probability kept / n_maj and weighted n_maj / kept, so a weighted sum over kept rows is an unbiased
 * estimate of the sum over all rows (Horvitz-Thompson); the model sees the majority less often but
 * its total weight, and so the predicted class prior, is preserved.
 */
export function downsampleAndUpweight<Label extends ClassLabel>(
  labels: ArrayLike<Label>,
  options: DownsampleOptions,
): DownsampledRows<Label> {
  const { codes, classes } = encodeLabels(labels);
  if (classes.length < 2) throw new InvalidInputError('labels', 'needs at least two classes to downsample one');
  const counts = new Array<number>(classes.length).fill(0);
  for (const code of codes) counts[code] = (counts[code] as number) + 1;
  const majorityCode = counts.indexOf(Math.max(...counts));
  const majorityCount = counts[majorityCode] as number;
  const minorityCount = Math.min(...counts);
  checkOptionsObject(options, '{ factor | targetRatio, seed }');
  if ((options.factor === undefined) === (options.targetRatio === undefined))
    throw new InvalidInputError('options', 'give exactly one of `factor` and `targetRatio`');
  let factor: number;
  if (options.factor !== undefined) factor = checkFiniteNumber('factor', options.factor, { min: 1 });
  else {
    const targetRatio = checkFiniteNumber('targetRatio', options.targetRatio, { min: 0, minExclusive: true });
    factor = majorityCount / minorityCount / targetRatio;
    if (factor < 1)
      throw new InvalidInputError(
        'targetRatio',
        `the data is already at ${majorityCount / minorityCount}:1 (majority:minority), below the target ${targetRatio}:1; nothing to downsample`,
      );
  }
  const random = createSeededRandom(checkSeed(options.seed));
  const keptMajority = Math.max(1, Math.round(majorityCount / factor));
  const majorityRows: number[] = [];
  codes.forEach((code, row) => {
    if (code === majorityCode) majorityRows.push(row);
  });
  // Partial Fisher-Yates: the first keptMajority entries are a uniform sample without replacement.
  for (let index = 0; index < keptMajority; index += 1) {
    const swap = index + Math.floor(random() * (majorityRows.length - index));
    const kept = majorityRows[index] as number;
    majorityRows[index] = majorityRows[swap] as number;
    majorityRows[swap] = kept;
  }
  const keep = new Uint8Array(codes.length);
  codes.forEach((code, row) => {
    if (code !== majorityCode) keep[row] = 1;
  });
  for (let index = 0; index < keptMajority; index += 1) keep[majorityRows[index] as number] = 1;
  const appliedFactor = majorityCount / keptMajority;
  const indices: number[] = [];
  keep.forEach((flag, row) => {
    if (flag) indices.push(row);
  });
  const sampleWeights = Float64Array.from(indices, (row) => (codes[row] === majorityCode ? appliedFactor : 1));
  return {
    indices: Int32Array.from(indices),
    sampleWeights,
    majorityClass: classes[majorityCode] as Label,
    keptMajority,
    factor: appliedFactor,
  };
}
