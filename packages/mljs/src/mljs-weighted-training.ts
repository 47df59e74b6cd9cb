import {
  InvalidInputError,
  checkCallbacks,
  checkFiniteNumber,
  checkOptionsObject,
  checkPositiveInteger,
  parseWeightingSpec,
  planTraining,
} from '@weightspec/core';
import type { ClassLabel, ClassStatistics, PlannedBatch, WeightingSpec, WeightingSpecInput } from '@weightspec/core';
import { validatePerRow, validateTrainingData } from './mljs-input-validation.ts';
import type { FeatureRows } from './mljs-input-validation.ts';
import { WeightedLogisticRegression } from './mljs-logistic-model.ts';
import { UNWEIGHTED_SPEC, prepareOneVsAllWeighting } from './mljs-step-weights.ts';
import { trainFusedPath } from './mljs-training-paths.ts';
import { trainGeneralPath } from './mljs-general-path.ts';
import { trainLbfgsPath } from './mljs-lbfgs-solver.ts';
import { createDesignMatrix } from './mljs-design-matrix.ts';
import type { LogisticTrainingProgress, TrainingContext } from './mljs-training-paths.ts';

export type { LogisticTrainingProgress } from './mljs-training-paths.ts';

/** Options of trainWeightedLogisticRegression; steps and learning rate mean what they mean in ml.js. */
export interface WeightedLogisticRegressionOptions {
  /** Full-batch gradient steps (ml-logistic-regression's `numSteps`; default 50000 as there). */
  readonly numSteps?: number;
  /** Step size on the summed gradient (ml-logistic-regression's `learningRate`; default 5e-4). */
  readonly learningRate?: number;
  /** The weighting spec (a document or parsed); omitted trains unweighted, exactly like ml.js. */
  readonly spec?: WeightingSpecInput | null;
  /** Per-row weights for the spec's `sample` block. */
  readonly sampleWeights?: ArrayLike<number> | null;
  /** Per-row difficulty for `curriculum.difficulty: provided`. */
  readonly difficulty?: ArrayLike<number> | null;
  /** Learn an intercept (bias) per class through an appended constant-1 column. */
  readonly intercept?: boolean;
  /** Number of classes (default: the length of `classes`, else the largest label + 1). */
  readonly numClasses?: number;
  /**
   * The class list when labels are strings or arbitrary numbers: labels are encoded in this order
   * (core's encodeLabels) and `decodeLabels(model.predict(X), classes)` maps predictions back.
   */
  readonly classes?: readonly ClassLabel[] | null;
  /** Class counts of the full training set, when X is a shard. */
  readonly stats?: ClassStatistics | unknown;
  readonly onProgress?: (progress: LogisticTrainingProgress) => void;
  /**
   * Run the fast path (weights that do not depend on the loss) in JavaScript with Math.exp, so unit
   * weights reproduce ml-logistic-regression bit for bit. Default false: a WebAssembly SIMD kernel,
   * about 1.5x faster, equal to ml.js up to rounding (1e-15 relative measured; its e^x is within 2 ulp
   * of Math.exp). Where WebAssembly cannot run, JavaScript is used either way.
   */
  readonly bitExact?: boolean;
  /** Steps between progress reports (default: numSteps / 20). */
  readonly progressEvery?: number;
  /**
   * 'gradient_descent' (default): ml.js's fixed steps, as above. 'lbfgs': minimize the same weighted
   * objective (plus `l2`) to `tolerance` by L-BFGS (mljs-lbfgs-solver.ts); weights that depend on the
   * loss or on the step (focal, hard mining, self-paced, curriculum, class schedules) are refused.
   */
  readonly solver?: 'gradient_descent' | 'lbfgs';
  /** lbfgs: stop when every gradient component is at most this times the total weight (default 1e-6). */
  readonly tolerance?: number;
  /** lbfgs: iteration limit per class (default 1000). */
  readonly maxIterations?: number;
  /** lbfgs: L2 penalty (l2 / 2) ||beta||^2, the intercept excluded (scikit-learn's 1 / C; default 0). */
  readonly l2?: number;
  /** Before each step: core's planned batch (clock, admitted rows, schedules); one batch per epoch. */
  readonly onBatchBegin?: (batch: PlannedBatch) => void;
}

/**
 * Trains one-vs-all logistic regression as ml-logistic-regression 2.0 does (same steps, learning
 * rate, summed full-batch gradient, zero start) with the spec's weights entering the gradient as
 * X^T (w * (t - p)), and returns a genuine LogisticRegression (WeightedLogisticRegression subclass).
 * Spec input feature weights (`elements.inputs`) scale X in training and are folded into the returned
 * coefficients. Each step is one epoch of core's training plan with one full batch (SPEC clock: epoch e
 * is step e), so adaptive rules and the curriculum are re-evaluated every step.
 */
export function trainWeightedLogisticRegression(
  features: FeatureRows,
  labels: readonly ClassLabel[] | Int32Array,
  givenOptions?: WeightedLogisticRegressionOptions,
): WeightedLogisticRegression {
  const options = checkOptionsObject('options', givenOptions, true);
  checkCallbacks(options, ['onProgress']);
  const numSteps = checkFiniteNumber('numSteps', options.numSteps ?? 50000, { integer: true, min: 0 });
  const learningRate = checkFiniteNumber('learningRate', options.learningRate ?? 5e-4, { min: 0, minExclusive: true });
  const data = validateTrainingData(features, labels, { numClasses: options.numClasses, classes: options.classes });
  const { rows, columns, classes } = data;
  const spec: WeightingSpec | null = options.spec == null ? null : parseWeightingSpec(options.spec);
  const sampleWeights = validatePerRow('sampleWeights', options.sampleWeights, rows, true);
  const difficulty = validatePerRow('difficulty', options.difficulty, rows, false);
  const featureWeights = spec?.elements?.inputs?.weights ?? null;
  if (featureWeights && featureWeights.length !== columns)
    throw new InvalidInputError(
      'elements.inputs.weights',
      `has ${featureWeights.length} weights for ${columns} features`,
    );
  const intercept = options.intercept ?? false;
  // The kernels read the checked values as they are (a dense Float32Array stays float32, never
  // copied to float64); feature weights and the intercept enter in their arithmetic (DesignMatrix).
  const design = createDesignMatrix(data.values, rows, columns, { intercept, featureWeights });
  const { width } = design;
  const weighting = prepareOneVsAllWeighting({
    spec,
    labels: data.labels,
    classes,
    sampleWeights,
    difficulty,
    stats: options.stats,
  });
  const isSoftmax = spec?.loss.kind === 'softmax_cross_entropy';
  const elementWeightsSpec = spec?.elements?.weights ?? null;
  if (elementWeightsSpec && elementWeightsSpec.length !== (isSoftmax ? 1 : classes))
    throw new InvalidInputError(
      'elements.weights',
      `has ${elementWeightsSpec.length} weights; one-vs-all has E = ${isSoftmax ? 1 : classes}`,
    );
  const progressEvery =
    options.progressEvery === undefined
      ? Math.max(1, Math.ceil(numSteps / 20))
      : checkPositiveInteger('progressEvery', options.progressEvery);
  // One full batch per epoch: each of ml.js's steps is one epoch of core's plan (SPEC clock).
  const plan =
    numSteps === 0
      ? null
      : planTraining(spec ?? UNWEIGHTED_SPEC, weighting.resolved, {
          count: rows,
          epochs: numSteps,
          batchSize: rows,
          difficulty,
        });

  const context: TrainingContext = {
    design,
    rows,
    width,
    classes,
    weighting,
    spec,
    numSteps,
    learningRate,
    progressEvery,
    onProgress: options.onProgress ?? null,
    onBatchBegin: options.onBatchBegin ?? null,
    focal: spec?.adaptive?.find((rule) => rule.kind === 'focal') ?? null,
    elementWeights: elementWeightsSpec,
    isSoftmax,
  };
  // solver 'lbfgs' (mljs-lbfgs-solver.ts) converges on the same objective instead of taking fixed steps.
  if (options.solver !== undefined && options.solver !== 'gradient_descent' && options.solver !== 'lbfgs')
    throw new InvalidInputError('solver', `must be 'gradient_descent' or 'lbfgs', got ${String(options.solver)}`);
  // A static plan (weights that do not depend on the loss) takes the fused path; focal and the
  // loss-dependent selections need every element's loss at every step.
  const flat =
    options.solver === 'lbfgs'
      ? trainLbfgsPath(context, { ...options, intercept }).coefficients
      : !plan
        ? new Float64Array(classes * width)
        : plan.isStatic && !context.focal
          ? trainFusedPath(context, plan, options.bitExact ?? false)
          : trainGeneralPath(context, plan);
  // Huge but finite inputs (|x| or weights near 1e308) can overflow the summed gradient: refuse the
  // model rather than return Infinity or NaN coefficients (SPEC: never a silent NaN).
  const firstBad = flat.findIndex((value) => !Number.isFinite(value));
  if (firstBad >= 0)
    throw new InvalidInputError(
      'training',
      `coefficient ${firstBad % width} of class ${Math.floor(firstBad / width)} became ${flat[firstBad]}; ` +
        'scale the features or the sample weights down, or lower the learning rate',
    );
  // Coefficients in ml-logistic-regression's orientation: classifier k scores "not class k".
  const coefficients = Array.from({ length: classes }, (_, label) => flat.slice(label * width, (label + 1) * width));
  if (featureWeights)
    for (const beta of coefficients)
      for (let column = 0; column < columns; column += 1)
        beta[column] = (beta[column] as number) * (featureWeights[column] as number);
  return new WeightedLogisticRegression({
    numSteps,
    learningRate,
    coefficients,
    extras: { intercept, inputFeatures: columns },
  });
}
