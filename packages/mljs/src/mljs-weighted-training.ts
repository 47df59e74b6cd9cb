import { InvalidInputError, parseWeightingSpec } from '@weightspec/core';
import type { ClassStatistics, WeightingSpec } from '@weightspec/core';
import { validatePerRow, validateTrainingData } from './mljs-input-validation.ts';
import type { FeatureRows } from './mljs-input-validation.ts';
import { createFusedProblem, createJavaScriptStepper, fusedLossParts } from './mljs-fused-step.ts';
import type { FusedLossParts } from './mljs-fused-step.ts';
import { WeightedLogisticRegression } from './mljs-logistic-model.ts';
import { applyLossDependentWeights, prepareOneVsAllWeighting } from './mljs-step-weights.ts';
import { createWebAssemblyStepper } from './mljs-wasm-step.ts';

/** Progress of trainWeightedLogisticRegression, reported every `progressEvery` steps. */
export interface LogisticTrainingProgress {
  /** Steps done (1-based). */
  readonly step: number;
  readonly totalSteps: number;
  /**
   * Weighted loss at the coefficients the step started from, reduced as the spec's `reduction` says
   * (weighted_mean by default); a zero denominator reports 0 whatever `zeroDenominator` says, so a
   * progress report never stops training.
   */
  readonly loss: number;
  /** Rows the curriculum admitted at this step. */
  readonly admittedRows: number;
  /** Sum of the final weights over all one-vs-all elements, divided by K (the per-row total). */
  readonly effectiveWeight: number;
}

/** Options of trainWeightedLogisticRegression; steps and learning rate mean what they mean in ml.js. */
export interface WeightedLogisticRegressionOptions {
  /** Full-batch gradient steps (ml-logistic-regression's `numSteps`; default 50000 as there). */
  readonly numSteps?: number;
  /** Step size on the summed gradient (ml-logistic-regression's `learningRate`; default 5e-4). */
  readonly learningRate?: number;
  /** The weighting spec (a document or parsed); omitted trains unweighted, exactly like ml.js. */
  readonly spec?: unknown;
  /** Per-row weights for the spec's `sample` block. */
  readonly sampleWeights?: readonly number[] | null;
  /** Per-row difficulty for `curriculum.difficulty: provided`. */
  readonly difficulty?: readonly number[] | null;
  /** Learn an intercept (bias) per class through an appended constant-1 column. */
  readonly intercept?: boolean;
  /** Number of classes (default: largest label + 1). */
  readonly numClasses?: number;
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
}

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** The spec's reduction of a progress loss (SPEC "reduction"); the trainer's gradient is always summed. */
function reduceProgressLoss(spec: WeightingSpec | null, parts: FusedLossParts, elements: number): number {
  const kind = spec?.reduction?.kind ?? 'weighted_mean';
  const denominator = kind === 'sum' ? 1 : kind === 'mean' ? elements : kind === 'weighted_mean' ? parts.weightSum : parts.nonZeroWeights;
  return denominator === 0 ? 0 : parts.numerator / denominator;
}

/**
 * Trains one-vs-all logistic regression as ml-logistic-regression 2.0 does (same steps, learning
 * rate, summed full-batch gradient, zero start) with the spec's weights entering the gradient as
 * X^T (w * (t - p)), and returns a genuine LogisticRegression (WeightedLogisticRegression subclass).
 * Spec input feature weights (`elements.inputs`) scale X in training and are folded into the returned
 * coefficients. Adaptive rules and the curriculum are re-evaluated every step (one step = one pass).
 */
export function trainWeightedLogisticRegression(features: FeatureRows, labels: readonly number[], options: WeightedLogisticRegressionOptions = {}): WeightedLogisticRegression {
  const numSteps = options.numSteps ?? 50000;
  const learningRate = options.learningRate ?? 5e-4;
  if (!Number.isInteger(numSteps) || numSteps < 0) throw new InvalidInputError('numSteps', `must be an integer >= 0, got ${numSteps}`);
  if (!Number.isFinite(learningRate) || learningRate <= 0) throw new InvalidInputError('learningRate', `must be a finite number > 0, got ${learningRate}`);
  const { rows, columns, classes } = validateTrainingData(features, labels, options.numClasses);
  const spec: WeightingSpec | null = options.spec == null ? null : parseWeightingSpec(options.spec);
  const sampleWeights = validatePerRow('sampleWeights', options.sampleWeights, rows, true);
  const difficulty = validatePerRow('difficulty', options.difficulty, rows, false);
  const featureWeights = spec?.elements?.inputs?.weights ?? null;
  if (featureWeights && featureWeights.length !== columns)
    throw new InvalidInputError('elements.inputs.weights', `has ${featureWeights.length} weights for ${columns} features`);
  const intercept = options.intercept ?? false;
  const width = columns + (intercept ? 1 : 0);
  const design = new Float64Array(rows * width);
  features.forEach((row, rowIndex) => {
    row.forEach((value, column) => {
      design[rowIndex * width + column] = featureWeights ? value * (featureWeights[column] as number) : value;
    });
    if (intercept) design[rowIndex * width + columns] = 1;
  });
  const weighting = prepareOneVsAllWeighting({ spec, labels, classes, sampleWeights, difficulty, stats: options.stats });
  const isSoftmax = spec?.loss.kind === 'softmax_cross_entropy';
  const focal = spec?.adaptive?.find((rule) => rule.kind === 'focal') ?? null;
  const selects = Boolean(spec && ((spec.adaptive ?? []).some((rule) => rule.kind !== 'focal') || spec.curriculum));
  const elementWeightsSpec = spec?.elements?.weights ?? null;
  if (elementWeightsSpec && elementWeightsSpec.length !== (isSoftmax ? 1 : classes))
    throw new InvalidInputError('elements.weights', `has ${elementWeightsSpec.length} weights; one-vs-all has E = ${isSoftmax ? 1 : classes}`);
  const progressEvery = Math.max(1, options.progressEvery ?? Math.ceil(numSteps / 20));

  // Coefficients in ml-logistic-regression's orientation: classifier k scores "not class k".
  const coefficients = Array.from({ length: classes }, () => new Float64Array(width));
  const elements = rows * classes;
  const probabilityNot = new Float64Array(elements);
  const restWeights = new Float64Array(elements);
  const classFactors = new Float64Array(elements);
  const errors = new Float64Array(elements);
  const rawLoss = new Float64Array(elements);
  const classWeightedLoss = new Float64Array(elements);
  const fused = !selects && !focal;
  if (fused) {
    const problem = createFusedProblem(design, rows, width, classes);
    const stepper = (!options.bitExact && createWebAssemblyStepper(problem)) || createJavaScriptStepper(problem);
    // error = w (-a+ y' pNot + a- (1-y') (1-pNot)) = scaleOfProbability pNot + scaleOfComplement (1-pNot);
    // with unit weights and hard targets this is exactly ml.js's t - p (-p + 0, or -0 + (1 - p)).
    const { scaleOfProbability, scaleOfComplement } = problem;
    for (let step = 0; step < numSteps; step += 1) {
      const scheduled = weighting.scheduleAt(step, numSteps);
      // Class weights only change under a schedule; fill them on the first step and when they can move.
      if (step === 0 || spec?.class?.schedule)
        for (let row = 0; row < rows; row += 1)
          for (let label = 0; label < classes; label += 1) {
            const rowClassWeight = scheduled?.scheduledClassWeights ? (scheduled.scheduledClassWeights[weighting.labels[row] as number] as number) : 1;
            const positiveWeight = scheduled?.scheduledPositiveWeights ? (scheduled.scheduledPositiveWeights[label] as number) : rowClassWeight;
            const negativeWeight = scheduled?.scheduledNegativeWeights ? (scheduled.scheduledNegativeWeights[label] as number) : rowClassWeight;
            const rest = (weighting.rowWeights[row] as number) * (elementWeightsSpec ? (elementWeightsSpec[isSoftmax ? 0 : label] as number) : 1);
            const target = weighting.targets[row * classes + label] as number;
            // The kernels read these class-major (label * rows + row).
            scaleOfProbability[label * rows + row] = rest * -(positiveWeight * target);
            scaleOfComplement[label * rows + row] = rest * (negativeWeight * (1 - target));
          }
      if (step === 0 || spec?.class?.schedule) stepper.loadScales();
      const reportsProgress = options.onProgress && ((step + 1) % progressEvery === 0 || step + 1 === numSteps);
      // The loss is only needed on report steps, and is taken before the step as the general path does.
      const parts = reportsProgress ? fusedLossParts(problem, stepper.coefficients) : null;
      stepper.step(learningRate);
      if (options.onProgress && parts)
        options.onProgress({ step: step + 1, totalSteps: numSteps, loss: reduceProgressLoss(spec, parts, elements), admittedRows: rows, effectiveWeight: parts.weightSum / classes });
    }
    coefficients.forEach((beta, label) => beta.set(stepper.coefficients.subarray(label * width, (label + 1) * width)));
  }
  // The general path: focal and selection need the per-element losses every step.
  if (!fused)
  for (let step = 0; step < numSteps; step += 1) {
    for (let label = 0; label < classes; label += 1) {
      const beta = coefficients[label] as Float64Array;
      for (let row = 0; row < rows; row += 1) {
        let score = 0;
        for (let column = 0; column < width; column += 1) score += (design[row * width + column] as number) * (beta[column] as number);
        probabilityNot[row * classes + label] = 1 / (1 + Math.exp(-score));
      }
    }
    const scheduled = weighting.scheduleAt(step, numSteps);
    // Split form a+ y' sp(-z) + a- (1-y') sp(z); a softmax spec's class weight c_y is a+ = a- = c_y.
    const softmaxClassWeights = scheduled?.scheduledClassWeights ?? null;
    const labelPositive = scheduled?.scheduledPositiveWeights ?? null;
    const labelNegative = scheduled?.scheduledNegativeWeights ?? null;
    const targets = weighting.targets;
    const rowWeights = weighting.rowWeights;
    for (let row = 0, element = 0; row < rows; row += 1) {
      const rowClassWeight = softmaxClassWeights ? (softmaxClassWeights[weighting.labels[row] as number] as number) : 1;
      const rowWeight = rowWeights[row] as number;
      for (let label = 0; label < classes; label += 1, element += 1) {
        const target = targets[element] as number;
        const positiveWeight = labelPositive ? (labelPositive[label] as number) : rowClassWeight;
        const negativeWeight = labelNegative ? (labelNegative[label] as number) : rowClassWeight;
        classFactors[element] = target * positiveWeight + (1 - target) * negativeWeight;
        restWeights[element] = elementWeightsSpec ? rowWeight * (elementWeightsSpec[isSoftmax ? 0 : label] as number) : rowWeight;
        // d(class-weighted loss)/d(standard logit), written so that unit weights and hard targets give
        // exactly ml.js's t - p in its own orientation (pNot = P(not class k), t = 1 - y).
        const pNot = probabilityNot[element] as number;
        errors[element] = -positiveWeight * target * pNot + negativeWeight * (1 - target) * (1 - pNot);
        // Standard logit z = -score; softplus(-z) = -log P(class k), softplus(z) = -log P(not k).
        const logitOfClass = Math.log(1 - pNot) - Math.log(pNot);
        const z = Number.isFinite(logitOfClass) ? logitOfClass : 0;
        rawLoss[element] = target * softplus(-z) + (1 - target) * softplus(z);
        classWeightedLoss[element] = positiveWeight * target * softplus(-z) + negativeWeight * (1 - target) * softplus(z);
      }
    }
    let admittedRows = rows;
    if (scheduled && selects) admittedRows = applyLossDependentWeights(weighting, scheduled, rawLoss, restWeights).admittedRows;
    let numerator = 0;
    let weightSum = 0;
    let nonZeroWeights = 0;
    for (let element = 0; element < elements; element += 1) {
      const rest = restWeights[element] as number;
      let slope = errors[element] as number;
      let modulator = 1;
      if (focal?.kind === 'focal') {
        // Sigmoid focal modulator alpha_t (1 - p_t)^gamma on the hard one-vs-all target.
        const hard = weighting.labels[Math.floor(element / classes)] === element % classes ? 1 : 0;
        const pClass = 1 - (probabilityNot[element] as number);
        const oneMinusPt = hard * (1 - pClass) + (1 - hard) * pClass;
        const alpha = focal.alpha === null ? 1 : (focal.alpha as number) * hard + (1 - (focal.alpha as number)) * (1 - hard);
        modulator = alpha * oneMinusPt ** focal.gamma;
        const modulatorSlope = focal.gamma === 0 || oneMinusPt === 0 ? 0 : alpha * focal.gamma * oneMinusPt ** (focal.gamma - 1) * (1 - 2 * hard) * pClass * (1 - pClass);
        // d(phi L)/dz = phi dL/dz + L dphi/dz, with dp_t/dz = (2y - 1) p (1 - p).
        slope = modulator * slope + (classWeightedLoss[element] as number) * modulatorSlope;
      }
      errors[element] = rest * slope;
      numerator += rest * modulator * (classWeightedLoss[element] as number);
      weightSum += rest * (classFactors[element] as number);
      if (rest * (classFactors[element] as number) !== 0) nonZeroWeights += 1;
    }
    for (let label = 0; label < classes; label += 1) {
      const beta = coefficients[label] as Float64Array;
      for (let column = 0; column < width; column += 1) {
        let sum = 0;
        for (let row = 0; row < rows; row += 1) sum += (design[row * width + column] as number) * (errors[row * classes + label] as number);
        beta[column] = (beta[column] as number) + sum * learningRate;
      }
    }
    if (options.onProgress && ((step + 1) % progressEvery === 0 || step + 1 === numSteps))
      options.onProgress({ step: step + 1, totalSteps: numSteps, loss: reduceProgressLoss(spec, { numerator, weightSum, nonZeroWeights }, elements), admittedRows, effectiveWeight: weightSum / classes });
  }
  if (featureWeights)
    for (const beta of coefficients) for (let column = 0; column < columns; column += 1) beta[column] = (beta[column] as number) * (featureWeights[column] as number);
  return new WeightedLogisticRegression({ numSteps, learningRate, coefficients, extras: { intercept, inputFeatures: columns } });
}
