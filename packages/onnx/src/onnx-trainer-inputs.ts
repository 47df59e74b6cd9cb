import {
  InvalidInputError,
  ZeroDenominatorError,
  checkClassLabels,
  checkFeatureMatrix,
  checkFiniteNumber,
  checkNumberArray,
  checkPositiveInteger,
  encodeLabels,
} from '@weightspec/core';
import { allFinite } from './onnx-fine-tune-checks.ts';
import { checkThreadSpinning } from './onnx-session-options.ts';
import type { ClassLabel, PlannedBatch, WeightingSpec } from '@weightspec/core';

/** The trainer's sizes and scalars after checking. */
export interface CheckedTrainerOptions {
  readonly inputSize: number;
  readonly numClasses: number;
  readonly hiddenUnits: readonly number[];
  readonly learningRate: number;
  readonly seed: number;
  readonly threads: number;
  /** Whether idle ONNX Runtime threads spin (runtimeSessionOptions). */
  readonly threadSpinning: boolean;
  /** The class list when labels are given as strings or arbitrary numbers. */
  readonly classes: readonly ClassLabel[] | null;
}

/**
 * Checks createOnnxTrainer's options with core's validators: sizes are positive integers (a negative
 * hidden width would be a raw RangeError deep in the graph builder), at least 2 classes, a finite
 * learning rate > 0, an integer seed. `classes`, when given, fixes C and the label encoding.
 */
export function checkOnnxTrainerOptions(options: {
  readonly inputSize: unknown;
  readonly numClasses?: unknown;
  readonly classes?: readonly ClassLabel[] | null;
  readonly hiddenUnits?: readonly unknown[];
  readonly learningRate?: unknown;
  readonly seed?: unknown;
  readonly threads?: unknown;
  readonly threadSpinning?: unknown;
}): CheckedTrainerOptions {
  const classes = options.classes == null ? null : encodeLabels([], { classes: options.classes }).classes;
  const numClasses = checkFiniteNumber('numClasses', options.numClasses ?? classes?.length, { integer: true, min: 2 });
  if (classes && classes.length !== numClasses)
    throw new InvalidInputError('numClasses', `is ${numClasses} but classes names ${classes.length}`);
  const hiddenUnits = options.hiddenUnits ?? [];
  if (!Array.isArray(hiddenUnits))
    throw new InvalidInputError('hiddenUnits', 'must be an array of layer widths, such as [16]');
  return {
    inputSize: checkPositiveInteger('inputSize', options.inputSize),
    numClasses,
    hiddenUnits: hiddenUnits.map((units, index) => checkPositiveInteger(`hiddenUnits[${index}]`, units)),
    learningRate: checkFiniteNumber('learningRate', options.learningRate ?? 0.01, { min: 0, minExclusive: true }),
    seed: checkFiniteNumber('seed', options.seed ?? 0, { integer: true }),
    threads: checkPositiveInteger('threads', options.threads ?? 2),
    threadSpinning: checkThreadSpinning(options.threadSpinning),
    classes,
  };
}

/** Checked training data of one fit call. */
export interface CheckedFitData {
  /** Row-major features [N * D]: float64 from rows, or the caller's dense array (cast to float32 per batch). */
  readonly features: Float32Array | Float64Array;
  readonly count: number;
  /** Class index per row. */
  readonly labels: Int32Array;
  readonly sampleWeights: Float64Array | null;
}

/**
 * Checks one fit call's data at the boundary: features a rectangular [N][inputSize] of finite float32
 * numbers, labels class indices in [0, C) (or labels of `classes`), checked whether or not `stats` is
 * given, and sample weights finite, >= 0 and within float32's range (SPEC pinned rule 11).
 */
export function checkOnnxFitData(
  options: CheckedTrainerOptions,
  features: unknown,
  labels: unknown,
  sampleWeights: unknown,
): CheckedFitData {
  const rows = checkFeatureMatrix('features', features, { float32: true });
  if (rows.columns !== options.inputSize)
    throw new InvalidInputError('features[0]', `has ${rows.columns} values, expected inputSize ${options.inputSize}`);
  const codes = options.classes
    ? encodeLabels(checkLabelList(labels, rows.rows), { classes: options.classes }).codes
    : checkClassLabels('labels', labels, { numClasses: options.numClasses, length: rows.rows });
  return {
    features: rows.values,
    count: rows.rows,
    labels: codes,
    sampleWeights:
      sampleWeights == null
        ? null
        : checkNumberArray('sampleWeights', sampleWeights, { length: rows.rows, nonNegative: true, float32: true }),
  };
}

function checkLabelList(labels: unknown, rows: number): readonly ClassLabel[] {
  if (!Array.isArray(labels)) throw new InvalidInputError('labels', 'must be an array of labels');
  if (labels.length !== rows) throw new InvalidInputError('labels', `has ${labels.length} labels for ${rows} rows`);
  return labels as ClassLabel[];
}

/**
 * `reduction.zeroDenominator: "error"` (SPEC "reduction"): the batch's denominator from its final
 * weights (rest x class weight at the true label; one element per row), checked before the step so a
 * batch whose weights are all 0 aborts as tfjs does instead of training on a loss of 0.
 */
export function checkBatchDenominator(
  spec: WeightingSpec,
  batch: PlannedBatch,
  labels: Int32Array,
  rest: Float32Array,
): void {
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  if (reduction.zeroDenominator !== 'error') return;
  const classWeights = batch.scheduled.scheduledClassWeights;
  let weightSum = 0;
  let nonZero = 0;
  batch.indices.forEach((row, position) => {
    const weight = (rest[position] as number) * (classWeights ? (classWeights[labels[row] as number] as number) : 1);
    weightSum += weight;
    if (weight !== 0) nonZero += 1;
  });
  const denominator =
    reduction.kind === 'weighted_mean' ? weightSum : reduction.kind === 'nonzero_mean' ? nonZero : batch.indices.length;
  if (denominator === 0)
    throw new ZeroDenominatorError(
      reduction.kind,
      `every weight of batch ${batch.index} (epoch ${batch.clock.epoch}, step ${batch.clock.step}) is 0`,
    );
}

/**
 * A step whose loss or new parameters are not finite is refused (SPEC: never a silent NaN): the
 * parameters stay as they were and the caller learns where and why.
 */
export function checkStepResult(batch: PlannedBatch, loss: number, parameters: Float32Array): void {
  if (!Number.isFinite(loss) || !allFinite(parameters))
    throw new InvalidInputError(
      'training',
      `step ${batch.clock.step} (epoch ${batch.clock.epoch}) gave a loss of ${loss} or non-finite parameters; ` +
        'scale the features or the sample weights down, or lower the learning rate',
    );
}
