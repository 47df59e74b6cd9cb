import type { WeightingBatch } from '../batch/weighting-batch.ts';
import { InvalidInputError } from '../errors/invalid-input-error.ts';
import type { ScheduledWeighting } from '../resolve/resolve-schedules.ts';
import type { WeightingComputation, WeightingResult } from './weighting-adapter.ts';

/** A computation rescaled for a float32 framework, and the float64 factors that undo the rescaling. */
export interface Float32WeightScaling {
  /**
   * What the float32 kernel computes on: class weights (c, or a+ and a-) divided by their maximum, and
   * every other static factor (sample weight x mean_one scale x element weights from data and from the
   * spec, 0 where masked) multiplied in float64 into one per-element weight [N*E] divided by its maximum.
   * `sampleWeights` is null, `sampleWeightScale` 1 and the spec carries no `elements.weights`.
   */
  readonly computation: WeightingComputation;
  /** Multiply the kernel's weights by this (in float64) to get SPEC's w. */
  readonly weightFactor: number;
  /** Multiply the kernel's loss and gradient by this (in float64): 1 for weighted_mean, where it cancels. */
  readonly lossFactor: number;
}

function largest(values: Iterable<number>): number {
  let maximum = 0;
  for (const value of values) if (value > maximum) maximum = value;
  return maximum;
}

/** Class weights of `scheduled` divided by `scale`. */
function divideClassWeights(scheduled: ScheduledWeighting, scale: number): ScheduledWeighting {
  const divide = (list: readonly number[] | null) =>
    list === null ? null : Object.freeze(list.map((weight) => weight / scale));
  return {
    ...scheduled,
    sampleWeightScale: 1,
    scheduledClassWeights: divide(scheduled.scheduledClassWeights),
    scheduledPositiveWeights: divide(scheduled.scheduledPositiveWeights),
    scheduledNegativeWeights: divide(scheduled.scheduledNegativeWeights),
  };
}

/**
 * SPEC pinned rule 11 for adapters that compute in float32: weights are combined in float64 and rescaled
 * by their maximum before any float32 cast, so tiny (1e-40, below float32's normal range) or huge
 * (1e38 and beyond) finite weights give the reference result. The scales cancel in weighted_mean; for the
 * other reductions the adapter multiplies its loss and gradient by `lossFactor` in float64. Float64
 * adapters use it too: a sum of weights near 1e308 overflows float64 just the same (the mljs adapter).
 */
export function scaleWeightsForFloat32(computation: WeightingComputation): Float32WeightScaling {
  const { spec, scheduled, batch } = computation;
  const classScale =
    largest([
      ...(scheduled.scheduledClassWeights ?? []),
      ...(scheduled.scheduledPositiveWeights ?? []),
      ...(scheduled.scheduledNegativeWeights ?? []),
    ]) || 1;
  const specElementWeights = spec.elements?.weights;
  const count = batch.sampleCount * batch.elementCount;
  let restScale = 1;
  let combined: Float64Array | null = null;
  if (batch.sampleWeights || batch.elementWeights || specElementWeights) {
    combined = new Float64Array(count);
    for (let element = 0; element < count; element += 1) {
      const sample = Math.floor(element / batch.elementCount);
      let factor = batch.masked[element] ? 0 : 1;
      if (batch.sampleWeights) factor *= (batch.sampleWeights[sample] as number) * scheduled.sampleWeightScale;
      if (batch.elementWeights) factor *= batch.elementWeights[element] as number;
      if (specElementWeights) factor *= specElementWeights[element % batch.elementCount] as number;
      combined[element] = factor;
    }
    restScale = largest(combined) || 1;
    for (let element = 0; element < count; element += 1) combined[element] = (combined[element] as number) / restScale;
  }
  if (classScale === 1 && restScale === 1 && combined === null) return { computation, weightFactor: 1, lossFactor: 1 };
  const elements = spec.elements ? { ...spec.elements, weights: undefined } : undefined;
  const scaledBatch: WeightingBatch = Object.freeze({
    ...batch,
    sampleWeights: null,
    elementWeights: combined ?? batch.elementWeights,
  });
  const weightFactor = classScale * restScale;
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  return {
    computation: {
      ...computation,
      spec: { ...spec, ...(elements ? { elements } : {}) },
      scheduled: divideClassWeights(scheduled, classScale),
      batch: scaledBatch,
    },
    weightFactor,
    lossFactor: reduction.kind === 'weighted_mean' ? 1 : weightFactor,
  };
}

/**
 * SPEC pinned rule 11 ("a valid spec never yields NaN silently") for float32 adapters: finite inputs
 * within float32's range can still overflow a float32 intermediate (an mse of 1e20, a sum of losses near
 * 3e38). Returns `result` when its loss and gradient are finite (or the loss is the NaN that
 * `zeroDenominator: nan` asks for), else throws an InvalidInputError saying so.
 */
export function checkFloat32Result<T extends WeightingResult>(result: T, computation: WeightingComputation): T {
  const reduction = computation.spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  const askedForNaN = Number.isNaN(result.loss) && reduction.zeroDenominator === 'nan';
  const gradient = result.gradient ?? [];
  let badGradient = -1;
  for (let index = 0; index < gradient.length && badGradient < 0; index += 1)
    if (!Number.isFinite(gradient[index])) badGradient = index;
  if ((Number.isFinite(result.loss) || askedForNaN) && badGradient < 0) return result;
  throw new InvalidInputError(
    'predictions',
    `the ${reduction.kind} loss ${badGradient >= 0 ? `gradient (flat index ${badGradient})` : `(${result.loss})`} overflows float32 in this adapter; scale the predictions and targets down (the float64 reference has no such limit)`,
  );
}
