import { InvalidInputError } from '../errors/invalid-input-error.ts';
import { FLOAT32_MAX } from '../validate/input-validators.ts';
import type { WeightingSpec } from '../spec/parse-weighting-spec.ts';
import type { LossKind } from '../spec/v1/spec-v1-schema.ts';
import { flattenTensor, formatIndex } from './nested-array.ts';
import type { TensorLike } from './nested-array.ts';

/** The training clock a schedule reads (SPEC "clock"); all counters are 0-based. */
export interface Clock {
  readonly epoch?: number;
  readonly step?: number;
  readonly totalEpochs?: number;
  readonly totalSteps?: number;
}

/** What a caller hands over for one batch, in nested-array or dense form. */
export interface WeightingInputs {
  /**
   * [N,C], [N,T,C] or dense [N,d1..dk,C] for softmax CE; [N], [N,K] or dense [N,d1..dk] for sigmoid CE
   * and regression (SPEC "Dense outputs": the last axis is C / K / D).
   */
  readonly predictions: TensorLike;
  /** Class indices [N] / [N,T] / [N,d1..dk] for softmax CE; values of the predictions' shape otherwise. */
  readonly targets: TensorLike;
  /** Per-sample weights s_i >= 0, length N. */
  readonly sampleWeights?: ArrayLike<number> | null;
  /** Per-element weights m_ij >= 0: [N,E], or [N,d1..dk] on the element axes (row-major, as SPEC). */
  readonly elementWeights?: TensorLike | null;
  /** Per-sample difficulty d_i (higher = harder), length N; for `curriculum.difficulty: provided`. */
  readonly difficulty?: ArrayLike<number> | null;
  /** Where training is; omitted means epoch 0, step 0. */
  readonly clock?: Clock | null;
}

/**
 * A validated batch, flattened to float64 row-major arrays, that every adapter builds its own tensors
 * from. Element j of sample i is at flat index i*E + j; for softmax its C scores start at (i*E + j)*C.
 */
export interface WeightingBatch {
  readonly lossKind: LossKind;
  /** N. */
  readonly sampleCount: number;
  /** E: output elements per sample (1 for [N,C] softmax, T for sequences, K labels, D outputs, d1*..*dk). */
  readonly elementCount: number;
  /** The element axes [d1..dk] (E is their product; [] for [N,C] softmax and rank-1 predictions). */
  readonly elementShape: readonly number[];
  /** Size of the predictions' last axis: C classes (softmax), K labels (sigmoid) or D outputs; 1 for rank 1. */
  readonly classCount: number;
  readonly predictionShape: readonly number[];
  readonly predictions: Float64Array;
  /** One target per element, length N*E. */
  readonly targets: Float64Array;
  /** 1 where the element's target equals `elements.maskValue`, else 0; length N*E. */
  readonly masked: Uint8Array;
  readonly sampleWeights: Float64Array | null;
  /** Given per-element weights [N*E] (the spec's own `elements.weights` [E] are not folded in). */
  readonly elementWeights: Float64Array | null;
  readonly difficulty: Float64Array | null;
  readonly clock: Required<Pick<Clock, 'epoch' | 'step'>> & Pick<Clock, 'totalEpochs' | 'totalSteps'>;
}

function checkFinite(field: string, data: ArrayLike<number>, shape: readonly number[]): void {
  for (let index = 0; index < data.length; index += 1)
    if (!Number.isFinite(data[index]))
      throw new InvalidInputError(`${field}${formatIndex(index, shape)}`, `must be finite, got ${data[index]}`);
}

function checkNonNegativeWeights(field: string, data: Float64Array, shape: readonly number[]): void {
  checkFinite(field, data, shape);
  for (let index = 0; index < data.length; index += 1)
    if ((data[index] as number) < 0)
      throw new InvalidInputError(`${field}${formatIndex(index, shape)}`, `weights must be >= 0, got ${data[index]}`);
}

function checkClockCounter(name: string, value: number | undefined, positive: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (positive && value <= 0))
    throw new InvalidInputError(`clock.${name}`, `must be a finite number ${positive ? '> 0' : '>= 0'}, got ${value}`);
}

/**
 * Validates one batch against a spec and flattens it. Throws InvalidInputError naming the field and
 * index of the first bad value: shape or length mismatch, non-finite value, negative weight, class index
 * out of range or not an integer, probability outside [0,1]. Masked elements skip target checks.
 */
export function prepareWeightingBatch(spec: WeightingSpec, inputs: WeightingInputs): WeightingBatch {
  const lossKind = spec.loss.kind;
  const predictions = flattenTensor('predictions', inputs.predictions);
  const targets = flattenTensor('targets', inputs.targets);
  checkFinite('predictions', predictions.data, predictions.shape);
  const predictionShape = predictions.shape;
  const isEmpty = predictionShape.length === 1 && predictionShape[0] === 0;
  if (predictionShape.length === 0) throw new InvalidInputError('predictions', 'must have a batch axis: [N, ...]');
  const sampleCount = predictionShape[0] as number;
  let classCount: number;
  let elementShape: number[];
  if (lossKind === 'softmax_cross_entropy') {
    if (predictionShape.length < 2 && !isEmpty)
      throw new InvalidInputError(
        'predictions',
        `softmax cross-entropy needs [N,C] or [N,T,C], got [${predictionShape.join(',')}]`,
      );
    classCount = isEmpty ? 0 : (predictionShape[predictionShape.length - 1] as number);
    elementShape = predictionShape.slice(1, -1);
    if (!isEmpty && classCount < 1) throw new InvalidInputError('predictions', 'the class axis is empty');
  } else {
    classCount = predictionShape.length >= 2 ? (predictionShape[predictionShape.length - 1] as number) : 1;
    elementShape = predictionShape.slice(1);
  }
  const elementCount = isEmpty ? 1 : elementShape.reduce((product, size) => product * size, 1);
  const expectedTargetShape = [sampleCount, ...elementShape];
  const targetShapeMatches =
    targets.shape.length === expectedTargetShape.length &&
    targets.shape.every((size, axis) => size === expectedTargetShape[axis]);
  const squeezedMatch =
    lossKind !== 'softmax_cross_entropy' &&
    elementCount === 1 &&
    targets.shape.length === 1 &&
    targets.shape[0] === sampleCount;
  if (!targetShapeMatches && !squeezedMatch)
    throw new InvalidInputError(
      'targets',
      `shape [${targets.shape.join(',')}] does not match predictions [${predictionShape.join(',')}]; expected [${expectedTargetShape.join(',')}]`,
    );
  checkFinite('targets', targets.data, targets.shape);

  const maskValue = spec.elements?.maskValue;
  const masked = new Uint8Array(targets.data.length);
  if (maskValue !== undefined)
    for (let index = 0; index < masked.length; index += 1) masked[index] = targets.data[index] === maskValue ? 1 : 0;

  const fromProbabilities = 'from' in spec.loss && spec.loss.from === 'probabilities';
  if (fromProbabilities)
    for (let index = 0; index < predictions.data.length; index += 1) {
      const value = predictions.data[index] as number;
      if (value < 0 || value > 1)
        throw new InvalidInputError(
          `predictions${formatIndex(index, predictionShape)}`,
          `probabilities must be in [0,1], got ${value}`,
        );
    }
  for (let index = 0; index < targets.data.length; index += 1) {
    if (masked[index]) continue;
    const target = targets.data[index] as number;
    if (lossKind === 'softmax_cross_entropy') {
      if (!Number.isInteger(target))
        throw new InvalidInputError(
          `targets${formatIndex(index, targets.shape)}`,
          `class index must be an integer, got ${target}`,
        );
      if (target < 0 || target >= classCount)
        throw new InvalidInputError(
          `targets${formatIndex(index, targets.shape)}`,
          `class index ${target} is out of range [0, ${classCount})`,
        );
    } else if (lossKind === 'sigmoid_cross_entropy' && (target < 0 || target > 1)) {
      throw new InvalidInputError(
        `targets${formatIndex(index, targets.shape)}`,
        `sigmoid targets must be in [0,1], got ${target}`,
      );
    }
  }

  (spec.adaptive ?? []).forEach((rule, index) => {
    if (rule.kind === 'focal' && Array.isArray(rule.alpha) && !isEmpty && rule.alpha.length !== classCount)
      throw new InvalidInputError(
        `adaptive[${index}].alpha`,
        `the spec gives ${rule.alpha.length} per-class focal alphas but the predictions have C = ${classCount} classes`,
      );
  });
  let sampleWeights: Float64Array | null = null;
  if (inputs.sampleWeights != null) {
    sampleWeights = Float64Array.from(inputs.sampleWeights);
    if (sampleWeights.length !== sampleCount)
      throw new InvalidInputError(
        'sampleWeights',
        `length ${sampleWeights.length} does not match the batch size ${sampleCount}`,
      );
    checkNonNegativeWeights('sampleWeights', sampleWeights, [sampleCount]);
  }
  let elementWeights: Float64Array | null = null;
  if (inputs.elementWeights != null) {
    const flat = flattenTensor('elementWeights', inputs.elementWeights);
    // [N,E] always; [N,d1..dk] on the element axes of dense outputs; [N] when E = 1.
    const onElementAxes =
      flat.shape.length === elementShape.length + 1 &&
      flat.shape[0] === sampleCount &&
      elementShape.every((size, axis) => flat.shape[axis + 1] === size);
    const flatMatches = flat.shape.length === 2 && flat.shape[0] === sampleCount && flat.shape[1] === elementCount;
    const perSample = elementCount === 1 && flat.shape.length === 1 && flat.shape[0] === sampleCount;
    const matches = isEmpty ? flat.data.length === 0 : onElementAxes || flatMatches || perSample;
    if (!matches)
      throw new InvalidInputError(
        'elementWeights',
        `shape [${flat.shape.join(',')}] must be [N,E] = [${sampleCount},${elementCount}] or [N,${elementShape.join(',')}] (the element axes)`,
      );
    checkNonNegativeWeights('elementWeights', flat.data, flat.shape);
    elementWeights = flat.data;
  }
  const specElementWeights = spec.elements?.weights;
  if (specElementWeights && !isEmpty && specElementWeights.length !== elementCount)
    throw new InvalidInputError(
      'elements.weights',
      `the spec gives ${specElementWeights.length} element weights but the predictions have E = ${elementCount}`,
    );
  let difficulty: Float64Array | null = null;
  if (inputs.difficulty != null) {
    difficulty = Float64Array.from(inputs.difficulty);
    if (difficulty.length !== sampleCount)
      throw new InvalidInputError(
        'difficulty',
        `length ${difficulty.length} does not match the batch size ${sampleCount}`,
      );
    checkFinite('difficulty', difficulty, [sampleCount]);
  }
  if (spec.curriculum?.difficulty === 'provided' && difficulty === null)
    throw new InvalidInputError(
      'difficulty',
      'curriculum.difficulty is "provided" but no per-sample difficulty was given',
    );

  const clock = inputs.clock ?? {};
  checkClockCounter('epoch', clock.epoch, false);
  checkClockCounter('step', clock.step, false);
  checkClockCounter('totalEpochs', clock.totalEpochs, true);
  checkClockCounter('totalSteps', clock.totalSteps, true);
  return Object.freeze({
    lossKind,
    sampleCount,
    elementCount,
    elementShape: Object.freeze(isEmpty ? [] : elementShape),
    classCount,
    predictionShape: Object.freeze([...predictionShape]),
    predictions: predictions.data,
    targets: targets.data,
    masked,
    sampleWeights,
    elementWeights,
    difficulty,
    clock: Object.freeze({
      epoch: clock.epoch ?? 0,
      step: clock.step ?? 0,
      totalEpochs: clock.totalEpochs,
      totalSteps: clock.totalSteps,
    }),
  });
}

/**
 * SPEC pinned rule 11, for adapters that compute in float32 (tfjs, ONNX Runtime): predictions and
 * targets beyond float32's range (|x| > 3.4028234e38) would become Infinity and then NaN, so they are
 * an InvalidInputError naming the first such value. Weights are not checked: adapters combine them in
 * float64 and rescale them before the cast (see scaleWeightsForFloat32).
 */
export function checkFloat32Range(batch: WeightingBatch): void {
  for (const [field, data, shape] of [
    ['predictions', batch.predictions, batch.predictionShape],
    ['targets', batch.targets, [batch.sampleCount, ...batch.elementShape]],
  ] as const)
    for (let index = 0; index < data.length; index += 1)
      if (Math.abs(data[index] as number) > FLOAT32_MAX && !(field === 'targets' && batch.masked[index]))
        throw new InvalidInputError(
          `${field}${formatIndex(index, shape)}`,
          `is beyond float32's range (|x| <= ${FLOAT32_MAX}), got ${data[index]}; this adapter computes in float32`,
        );
}
