import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { ZeroDenominatorError } from '../errors/zero-denominator-error.ts';
import type { WeightingBatch } from '../batch/weighting-batch.ts';
import type { ScheduledWeighting } from '../resolve/resolve-schedules.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { FocalRuleSpec } from '../spec/v1/spec-v1-schema.ts';
import { referenceElementLosses } from './reference-element-losses.ts';
import {
  referenceCurriculumWeights,
  referenceHardMiningWeights,
  referenceSelfPacedWeights,
} from './reference-selection.ts';

/** Everything the float64 reference computes for one batch. */
export interface ReferenceWeightedLoss {
  /** The reduced weighted loss (NaN only when `zeroDenominator: nan` applies). */
  readonly loss: number;
  /** Final detached weights w_ij = class x sample x element x adaptive x curriculum, length N*E. */
  readonly weights: Float64Array;
  /** Raw per-element loss l_ij (no weights, no modulator), length N*E. */
  readonly elementLoss: Float64Array;
  /** Focal modulator phi_ij (1 without focal), length N*E. */
  readonly modulator: Float64Array;
  /** Per-sample difficulty the curriculum ranked (null without a curriculum), length N. */
  readonly difficulty: Float64Array | null;
  /** The reduction's denominator (1 for sum). */
  readonly denominator: number;
  /** d loss / d predictions, flat in the predictions' shape; null when the loss is NaN. */
  readonly gradient: Float64Array | null;
}

/** Mean raw loss over each sample's unmasked elements: the difficulty `curriculum.difficulty: loss` ranks by. */
export function perSampleLoss(elementLoss: Float64Array, batch: WeightingBatch): Float64Array {
  const perSample = new Float64Array(batch.sampleCount);
  for (let sample = 0; sample < batch.sampleCount; sample += 1) {
    let sum = 0;
    let count = 0;
    for (let j = 0; j < batch.elementCount; j += 1) {
      const element = sample * batch.elementCount + j;
      if (batch.masked[element]) continue;
      sum += elementLoss[element] as number;
      count += 1;
    }
    perSample[sample] = count === 0 ? 0 : sum / count;
  }
  return perSample;
}

/**
 * The float64 oracle of SPEC: Loss = reduce(sum_ij w_ij phi_ij l_ij) and its analytic gradient with
 * respect to predictions, with w and every denominator held constant (only phi carries gradient).
 * Conformance vectors are generated from this function.
 */
export function referenceWeightedLoss(
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  batch: WeightingBatch,
): ReferenceWeightedLoss {
  const { sampleCount, elementCount } = batch;
  const count = sampleCount * elementCount;
  const focal = (spec.adaptive ?? []).find((rule): rule is FocalRuleSpec => rule.kind === 'focal') ?? null;
  // SPEC pinned rule 11: class weights and the other factors are each divided by their maximum, so sums
  // of weights near 1e308 (or products of tiny ones) stay in range; the scales are multiplied back in
  // at the end, where they cancel for weighted_mean.
  const classScale = largestClassWeight(scheduled);
  const losses = referenceElementLosses(spec.loss, batch, scaleClassWeights(scheduled, classScale), focal);
  // rest = every weight factor but the class factor; w = classFactor * rest.
  const rest = new Float64Array(count).fill(1);
  const eligible = new Uint8Array(count);
  for (let element = 0; element < count; element += 1) {
    const sample = Math.floor(element / elementCount);
    const j = element % elementCount;
    let factor = batch.masked[element] ? 0 : 1;
    eligible[element] = batch.masked[element] ? 0 : 1;
    if (batch.sampleWeights) factor *= (batch.sampleWeights[sample] as number) * scheduled.sampleWeightScale;
    if (batch.elementWeights) factor *= batch.elementWeights[element] as number;
    if (spec.elements?.weights) factor *= spec.elements.weights[j] as number;
    rest[element] = factor;
  }
  (spec.adaptive ?? []).forEach((rule, index) => {
    let factors: Float64Array | null = null;
    if (rule.kind === 'hard_mining') factors = referenceHardMiningWeights(rule, losses.rawLoss, eligible);
    else if (rule.kind === 'self_paced')
      factors = referenceSelfPacedWeights(rule.mode, scheduled.selfPacedThresholds[index] as number, losses.rawLoss);
    if (factors)
      for (let element = 0; element < count; element += 1)
        rest[element] = (rest[element] as number) * (factors[element] as number);
  });
  let difficulty: Float64Array | null = null;
  if (spec.curriculum) {
    difficulty =
      spec.curriculum.difficulty === 'provided'
        ? Float64Array.from(batch.difficulty ?? [])
        : perSampleLoss(losses.rawLoss, batch);
    const curriculumWeights = referenceCurriculumWeights(
      spec.curriculum,
      scheduled.curriculumFraction ?? 1,
      difficulty,
    );
    for (let element = 0; element < count; element += 1)
      rest[element] = (rest[element] as number) * (curriculumWeights[Math.floor(element / elementCount)] as number);
  }
  let restScale = 0;
  for (let element = 0; element < count; element += 1) restScale = Math.max(restScale, rest[element] as number);
  if (restScale === 0) restScale = 1;
  const weights = new Float64Array(count);
  let numerator = 0;
  let weightSum = 0;
  let nonZero = 0;
  for (let element = 0; element < count; element += 1) {
    const scaledRest = (rest[element] as number) / restScale;
    const scaledWeight = (losses.classFactor[element] as number) * scaledRest;
    weights[element] = (losses.classFactor[element] as number) * classScale * (rest[element] as number);
    weightSum += scaledWeight;
    if (scaledWeight !== 0 || weights[element] !== 0) nonZero += 1;
    if (scaledRest !== 0)
      numerator += scaledRest * (losses.modulator[element] as number) * (losses.numeratorLoss[element] as number);
  }
  const reduction = spec.reduction ?? { kind: 'weighted_mean' as const, zeroDenominator: 'zero' as const };
  // The scaled denominator; `scale` is what the scaled ratio is multiplied by (1 for weighted_mean).
  const scale = reduction.kind === 'weighted_mean' ? 1 : classScale * restScale;
  const scaledDenominator =
    reduction.kind === 'sum'
      ? 1
      : reduction.kind === 'mean'
        ? count
        : reduction.kind === 'weighted_mean'
          ? weightSum
          : nonZero;
  const denominator = reduction.kind === 'weighted_mean' ? weightSum * classScale * restScale : scaledDenominator;
  const base = { weights, elementLoss: losses.rawLoss, modulator: losses.modulator, difficulty, denominator };
  if (count === 0 || scaledDenominator === 0) {
    const detail =
      count === 0
        ? 'the batch is empty'
        : reduction.kind === 'weighted_mean'
          ? 'all weights are zero'
          : 'no element has a non-zero weight';
    if (reduction.zeroDenominator === 'error') throw new ZeroDenominatorError(reduction.kind, detail);
    if (reduction.zeroDenominator === 'nan') return { ...base, loss: Number.NaN, gradient: null };
    return { ...base, loss: 0, gradient: new Float64Array(batch.predictions.length) };
  }
  const loss = (numerator / scaledDenominator) * scale;
  const gradient = new Float64Array(batch.predictions.length);
  for (let element = 0; element < count; element += 1)
    losses.accumulateGradient(element, (((rest[element] as number) / restScale) * scale) / scaledDenominator, gradient);
  // SPEC pinned rule 11: finite inputs whose loss or slope still overflows float64 (mse of 1e200, a sum
  // of weights near 1e308) are an input error, never an Infinity or NaN handed on.
  const overflowAt = Number.isFinite(loss) ? gradient.findIndex((value) => !Number.isFinite(value)) : -1;
  if (!Number.isFinite(loss) || overflowAt >= 0)
    throw new InvalidInputError(
      overflowAt >= 0 ? `predictions (flat index ${overflowAt})` : 'predictions',
      `the ${reduction.kind} of the weighted losses or its gradient overflows float64 (loss ${loss}); rescale the predictions, targets or weights`,
    );
  return { ...base, loss, gradient };
}

/** The largest class weight in effect (softmax c, or sigmoid a+ and a-); 1 when there is none above 0. */
function largestClassWeight(scheduled: ScheduledWeighting): number {
  let largest = 0;
  for (const list of [
    scheduled.scheduledClassWeights,
    scheduled.scheduledPositiveWeights,
    scheduled.scheduledNegativeWeights,
  ])
    for (const weight of list ?? []) largest = Math.max(largest, weight);
  return largest > 0 ? largest : 1;
}

/** The schedule's class weights divided by `scale` (the rest of `scheduled` unchanged). */
function scaleClassWeights(scheduled: ScheduledWeighting, scale: number): ScheduledWeighting {
  if (scale === 1) return scheduled;
  const divide = (list: readonly number[] | null) => (list === null ? null : list.map((weight) => weight / scale));
  return {
    ...scheduled,
    scheduledClassWeights: divide(scheduled.scheduledClassWeights),
    scheduledPositiveWeights: divide(scheduled.scheduledPositiveWeights),
    scheduledNegativeWeights: divide(scheduled.scheduledNegativeWeights),
  };
}
