import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { describeValue } from '../validate/input-validators.ts';
import type { WeightingBatch } from '../batch/weighting-batch.ts';

/**
 * Class counts of a training set. Softmax: `classCounts[c]` = n_c. Sigmoid: per label k, the number of
 * positive (target >= 0.5) and negative targets. Counts add, so shards can be counted apart and merged.
 */
export type ClassStatistics =
  | { readonly kind: 'classes'; readonly classCounts: readonly number[] }
  | { readonly kind: 'labels'; readonly positiveCounts: readonly number[]; readonly negativeCounts: readonly number[] };

/** Sum and count of per-sample weights, for `sample.normalize: mean_one`; mergeable like class counts. */
export interface SampleWeightStatistics {
  readonly weightSum: number;
  readonly sampleCount: number;
}

function checkCounts(field: string, counts: readonly unknown[], integers: boolean): void {
  counts.forEach((count, index) => {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0 || (integers && !Number.isInteger(count)))
      throw new InvalidInputError(
        `${field}[${index}]`,
        `counts must be ${integers ? 'integers' : 'finite numbers'} >= 0, got ${describeValue(count)}`,
      );
  });
}

/**
 * Accepts statistics in the conformance-vector form (`{classCounts}` or `{positiveCounts,
 * negativeCounts}`, with or without `kind`) and validates them: counts integers >= 0.
 */
export function normalizeClassStatistics(value: unknown): ClassStatistics {
  return checkClassStatistics(value, { integers: true });
}

/**
 * Checks statistics given to resolveWeighting (a trainer's `stats` option) in either form, with or
 * without `kind`. Counts must be finite and >= 0; they may be fractional (weighted or merged
 * estimates: every strategy's formula takes real counts) unless `integers`.
 */
export function checkClassStatistics(value: unknown, options: { readonly integers?: boolean } = {}): ClassStatistics {
  const integers = options.integers ?? false;
  if (typeof value !== 'object' || value === null) throw new InvalidInputError('stats', 'must be an object');
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.classCounts)) {
    const classCounts = record.classCounts as number[];
    checkCounts('stats.classCounts', classCounts, integers);
    return Object.freeze({ kind: 'classes', classCounts: Object.freeze([...classCounts]) });
  }
  if (Array.isArray(record.positiveCounts) && Array.isArray(record.negativeCounts)) {
    const positiveCounts = record.positiveCounts as number[];
    const negativeCounts = record.negativeCounts as number[];
    checkCounts('stats.positiveCounts', positiveCounts, integers);
    checkCounts('stats.negativeCounts', negativeCounts, integers);
    if (positiveCounts.length !== negativeCounts.length)
      throw new InvalidInputError('stats', 'positiveCounts and negativeCounts must have the same length');
    return Object.freeze({
      kind: 'labels',
      positiveCounts: Object.freeze([...positiveCounts]),
      negativeCounts: Object.freeze([...negativeCounts]),
    });
  }
  throw new InvalidInputError('stats', 'needs classCounts, or positiveCounts and negativeCounts');
}

/** Counts integer class labels 0..numClasses-1; `masked` elements (1) are skipped. */
export function countClasses(
  labels: ArrayLike<number>,
  numClasses: number,
  masked?: ArrayLike<number>,
): ClassStatistics {
  const classCounts = new Array<number>(numClasses).fill(0);
  for (let index = 0; index < labels.length; index += 1) {
    if (masked?.[index]) continue;
    const label = labels[index] as number;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses)
      throw new InvalidInputError(
        `labels[${index}]`,
        `class index ${describeValue(label)} is not an integer in [0, ${numClasses})`,
      );
    classCounts[label] = (classCounts[label] as number) + 1;
  }
  return Object.freeze({ kind: 'classes', classCounts: Object.freeze(classCounts) });
}

/** Counts positives (>= 0.5) and negatives per label for row-major targets whose last axis has K labels. */
export function countLabels(
  targets: ArrayLike<number>,
  labelCount: number,
  masked?: ArrayLike<number>,
): ClassStatistics {
  const positiveCounts = new Array<number>(labelCount).fill(0);
  const negativeCounts = new Array<number>(labelCount).fill(0);
  for (let index = 0; index < targets.length; index += 1) {
    if (masked?.[index]) continue;
    const label = index % labelCount;
    if ((targets[index] as number) >= 0.5) positiveCounts[label] = (positiveCounts[label] as number) + 1;
    else negativeCounts[label] = (negativeCounts[label] as number) + 1;
  }
  return Object.freeze({
    kind: 'labels',
    positiveCounts: Object.freeze(positiveCounts),
    negativeCounts: Object.freeze(negativeCounts),
  });
}

/** Adds two sets of counts of the same kind; the shorter class list is padded with zeros. */
export function mergeClassStatistics(left: ClassStatistics, right: ClassStatistics): ClassStatistics {
  const add = (a: readonly number[], b: readonly number[]) =>
    Array.from({ length: Math.max(a.length, b.length) }, (_, index) => (a[index] ?? 0) + (b[index] ?? 0));
  if (left.kind === 'classes' && right.kind === 'classes')
    return Object.freeze({ kind: 'classes', classCounts: Object.freeze(add(left.classCounts, right.classCounts)) });
  if (left.kind === 'labels' && right.kind === 'labels')
    return Object.freeze({
      kind: 'labels',
      positiveCounts: Object.freeze(add(left.positiveCounts, right.positiveCounts)),
      negativeCounts: Object.freeze(add(left.negativeCounts, right.negativeCounts)),
    });
  throw new InvalidInputError('stats', `cannot merge ${left.kind} counts with ${right.kind} counts`);
}

/** Sum and count of the given per-sample weights. */
export function sampleWeightStatistics(sampleWeights: ArrayLike<number>): SampleWeightStatistics {
  let weightSum = 0;
  for (let index = 0; index < sampleWeights.length; index += 1) weightSum += sampleWeights[index] as number;
  return Object.freeze({ weightSum, sampleCount: sampleWeights.length });
}

/** Adds two sample-weight statistics (for sharded data). */
export function mergeSampleWeightStatistics(
  left: SampleWeightStatistics,
  right: SampleWeightStatistics,
): SampleWeightStatistics {
  return Object.freeze({
    weightSum: left.weightSum + right.weightSum,
    sampleCount: left.sampleCount + right.sampleCount,
  });
}

/** Class statistics of the batch at hand (SPEC: counts come from `stats`, else from the targets). */
export function classStatisticsFromBatch(batch: WeightingBatch): ClassStatistics | null {
  if (batch.lossKind === 'softmax_cross_entropy') return countClasses(batch.targets, batch.classCount, batch.masked);
  if (batch.lossKind === 'sigmoid_cross_entropy') return countLabels(batch.targets, batch.classCount, batch.masked);
  return null;
}
