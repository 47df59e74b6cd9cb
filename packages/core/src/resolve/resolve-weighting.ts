import { InvalidSpecError } from '../errors/invalid-spec-error.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { ClassStatistics, SampleWeightStatistics } from '../stats/class-statistics.ts';
import { checkClassStatistics } from '../stats/class-statistics.ts';
import { resolveSigmoidClassWeights, resolveSoftmaxClassWeights } from './resolve-class-weights.ts';

/**
 * The numbers a spec resolves to for one training set: frozen, serializable, and consumed by every
 * adapter, so all frameworks apply the same class weights and sample-weight scale.
 */
export interface ResolvedWeighting {
  readonly specVersion: 1;
  /** C (softmax classes) or K (sigmoid labels) the weights were resolved for. */
  readonly numClasses: number;
  /** Softmax base class weights [C] before any schedule; null when there is no `class` block. */
  readonly classWeights: readonly number[] | null;
  /** Sigmoid positive-term weights a+ [K] before any schedule; null unless sigmoid with `class`. */
  readonly positiveWeights: readonly number[] | null;
  /** Sigmoid negative-term weights a- [K] before any schedule. */
  readonly negativeWeights: readonly number[] | null;
  /** Factor on raw sample weights: 1/mean for `normalize: mean_one`, else 1. */
  readonly sampleWeightScale: number;
}

/** What resolution needs besides the spec. */
export interface ResolveOptions {
  /** Class counts of the training set (required by every strategy but `manual`). */
  readonly stats?: ClassStatistics | null;
  /** C or K: the predictions' last axis. Defaults to the length of the counts. */
  readonly numClasses?: number;
  /** Sum and count of the per-sample weights, for `sample.normalize: mean_one`. */
  readonly sampleWeights?: SampleWeightStatistics | null;
}

/**
 * Resolves a parsed spec against training-set statistics (SPEC "class", "sample"). Throws
 * InvalidInputError when counts are missing or sized wrong. `mean_one` over weights whose mean is zero
 * leaves them 0 (SPEC pinned rule 6: the reduction's zeroDenominator policy decides); a mean so small
 * that 1/mean overflows float64 is an InvalidSpecError naming `sample.normalize` (pinned rule 11).
 */
export function resolveWeighting(spec: WeightingSpec, options: ResolveOptions = {}): ResolvedWeighting {
  // Checked here for every adapter: statistics come from users' code and JSON (counts finite, >= 0).
  const stats = options.stats == null ? null : checkClassStatistics(options.stats);
  const countsLength =
    stats === null ? 0 : stats.kind === 'classes' ? stats.classCounts.length : stats.positiveCounts.length;
  const numClasses = options.numClasses ?? countsLength;
  let classWeights: number[] | null = null;
  let positiveWeights: number[] | null = null;
  let negativeWeights: number[] | null = null;
  if (spec.class) {
    if (spec.loss.kind === 'softmax_cross_entropy')
      classWeights = resolveSoftmaxClassWeights(spec.class, numClasses, stats);
    else {
      const sigmoidWeights = resolveSigmoidClassWeights(spec.class, numClasses, stats);
      positiveWeights = sigmoidWeights.positive;
      negativeWeights = sigmoidWeights.negative;
    }
  }
  let sampleWeightScale = 1;
  if (spec.sample?.normalize === 'mean_one' && options.sampleWeights) {
    const { weightSum, sampleCount } = options.sampleWeights;
    if (!Number.isFinite(weightSum))
      throw InvalidSpecError.at(
        ['sample', 'normalize'],
        `mean_one needs the sum of the per-sample weights, which overflows float64 (${weightSum}); rescale the weights`,
      );
    if (sampleCount > 0 && weightSum > 0) {
      sampleWeightScale = sampleCount / weightSum;
      if (!Number.isFinite(sampleWeightScale))
        throw InvalidSpecError.at(
          ['sample', 'normalize'],
          `mean_one cannot normalize per-sample weights whose mean ${weightSum / sampleCount} is so small that 1/mean overflows float64; rescale the weights`,
        );
    }
  }
  return Object.freeze({
    specVersion: 1,
    numClasses,
    classWeights: classWeights && Object.freeze(classWeights),
    positiveWeights: positiveWeights && Object.freeze(positiveWeights),
    negativeWeights: negativeWeights && Object.freeze(negativeWeights),
    sampleWeightScale,
  });
}
