import { ZeroDenominatorError } from '@weightspec/core';
import type { PlannedBatch, ScheduledWeighting, TrainingPlan, WeightingSpec } from '@weightspec/core';
import { createFusedProblem, createJavaScriptStepper, fusedLossParts } from './mljs-fused-step.ts';
import type { FusedLossParts } from './mljs-fused-step.ts';
import type { OneVsAllWeighting } from './mljs-step-weights.ts';
import { createWebAssemblyStepper } from './mljs-wasm-step.ts';
import { readDesignRow } from './mljs-design-matrix.ts';
import type { DesignMatrix } from './mljs-design-matrix.ts';

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

type FocalRule = Extract<NonNullable<WeightingSpec['adaptive']>[number], { kind: 'focal' }>;

/** What both training paths read; built once by trainWeightedLogisticRegression. */
export interface TrainingContext {
  /** The caller's feature values (not copied) with input feature weights and the intercept (see DesignMatrix). */
  readonly design: DesignMatrix;
  readonly rows: number;
  readonly width: number;
  readonly classes: number;
  readonly weighting: OneVsAllWeighting;
  readonly spec: WeightingSpec | null;
  readonly numSteps: number;
  readonly learningRate: number;
  readonly progressEvery: number;
  readonly onProgress: ((progress: LogisticTrainingProgress) => void) | null;
  readonly onBatchBegin: ((batch: PlannedBatch) => void) | null;
  readonly focal: FocalRule | null;
  /** The spec's `elements.weights` ([K] for sigmoid, [1] for softmax), or null. */
  readonly elementWeights: readonly number[] | null;
  readonly isSoftmax: boolean;
}

/** The spec's reduction of a progress loss (SPEC "reduction"); the trainer's gradient is always summed. */
function reduceProgressLoss(spec: WeightingSpec | null, parts: FusedLossParts, elements: number): number {
  const kind = spec?.reduction?.kind ?? 'weighted_mean';
  const denominator =
    kind === 'sum' ? 1 : kind === 'mean' ? elements : kind === 'weighted_mean' ? parts.weightSum : parts.nonZeroWeights;
  return denominator === 0 ? 0 : parts.numerator / denominator;
}

/**
 * `reduction.zeroDenominator: "error"` (SPEC "reduction"): a step whose weights are all 0 stops with
 * WS_ZERO_DENOMINATOR, as tfjs and onnx stop on such a batch, instead of training on nothing.
 */
function checkDenominator(spec: WeightingSpec | null, step: number, weightSum: number, nonZeroWeights: number): void {
  const reduction = spec?.reduction;
  if (reduction?.zeroDenominator !== 'error') return;
  const vanished =
    (reduction.kind === 'weighted_mean' && weightSum === 0) ||
    (reduction.kind === 'nonzero_mean' && nonZeroWeights === 0);
  if (vanished) throw new ZeroDenominatorError(reduction.kind, `every weight of step ${step} is 0`);
}

const reportsAt = (context: TrainingContext, step: number): boolean =>
  context.onProgress !== null && ((step + 1) % context.progressEvery === 0 || step + 1 === context.numSteps);

/**
 * Fills the positive and negative class weight of element (row of label y, class k) at a step, per
 * (y, k) in classes x classes tables: per class k for a sigmoid spec, the row's class weight c_y as
 * both for a softmax spec, 1 without class weights. They depend on nothing else, so no N x K array.
 */
function fillClassWeights(
  context: TrainingContext,
  scheduled: ScheduledWeighting,
  positive: Float64Array,
  negative: Float64Array,
): void {
  const { classes } = context;
  const rowClassWeights = scheduled.scheduledClassWeights;
  const labelPositive = scheduled.scheduledPositiveWeights;
  const labelNegative = scheduled.scheduledNegativeWeights;
  for (let rowLabel = 0, entry = 0; rowLabel < classes; rowLabel += 1) {
    const rowClassWeight = rowClassWeights ? (rowClassWeights[rowLabel] as number) : 1;
    for (let label = 0; label < classes; label += 1, entry += 1) {
      positive[entry] = labelPositive ? (labelPositive[label] as number) : rowClassWeight;
      negative[entry] = labelNegative ? (labelNegative[label] as number) : rowClassWeight;
    }
  }
}

/** Row weight times the spec's element weight of label k. */
const restWeightOf = (context: TrainingContext, row: number, label: number): number =>
  (context.weighting.rowWeights ? (context.weighting.rowWeights[row] as number) : 1) *
  (context.elementWeights ? (context.elementWeights[context.isSoftmax ? 0 : label] as number) : 1);

/**
 * Weights that do not depend on the loss: fixed per element (or moving with a class-weight schedule),
 * so each step is one fused kernel call (mljs-fused-step.ts, mljs-wasm-step.ts). Returns the flat
 * coefficients (classes x width).
 */
export function trainFusedPath(context: TrainingContext, plan: TrainingPlan, bitExact: boolean): Float64Array {
  const { classes, weighting, spec, numSteps, rows } = context;
  const elementWeights = new Float64Array(classes);
  for (let label = 0; label < classes; label += 1)
    elementWeights[label] = context.elementWeights
      ? (context.elementWeights[context.isSoftmax ? 0 : label] as number)
      : 1;
  const problem = createFusedProblem(context.design, weighting.rowWeights, weighting.labels, classes, elementWeights);
  const stepper = (!bitExact && createWebAssemblyStepper(problem)) || createJavaScriptStepper(problem);
  // error = w (-a+ y' pNot + a- (1-y') (1-pNot)) = scaleOfProbability pNot + scaleOfComplement (1-pNot),
  // with w = rowWeight elementWeight and the rest per (label y, class k) in the problem's tables; with
  // unit weights and hard targets this is exactly ml.js's t - p (-p + 0, or -0 + (1 - p)).
  const { probabilityTable, complementTable } = problem;
  const positiveWeights = new Float64Array(classes * classes);
  const negativeWeights = new Float64Array(classes * classes);
  for (let step = 0; step < numSteps; step += 1) {
    // A static plan: every epoch is one batch of all rows, so only the clock moves.
    const batch = plan.startEpoch(step).admit().batches[0] as PlannedBatch;
    context.onBatchBegin?.(batch);
    // Class weights only change under a schedule; fill them on the first step and when they can move.
    if (step === 0 || spec?.class?.schedule) {
      fillClassWeights(context, batch.scheduled, positiveWeights, negativeWeights);
      for (let entry = 0; entry < classes * classes; entry += 1) {
        const target = weighting.targetTable[entry] as number;
        probabilityTable[entry] = -((positiveWeights[entry] as number) * target);
        complementTable[entry] = (negativeWeights[entry] as number) * (1 - target);
      }
      stepper.loadScales();
      // The weights only change here, so this is where a vanishing denominator can appear.
      if (spec?.reduction?.zeroDenominator === 'error') {
        const { weightSum, nonZeroWeights } = fusedLossParts(problem, null);
        checkDenominator(spec, step, weightSum, nonZeroWeights);
      }
    }
    // The loss is only needed on report steps, taken before the step as the general path does.
    const parts = reportsAt(context, step) ? fusedLossParts(problem, stepper.coefficients) : null;
    stepper.step(context.learningRate);
    if (parts)
      context.onProgress?.({
        step: step + 1,
        totalSteps: numSteps,
        loss: reduceProgressLoss(spec, parts, rows * classes),
        admittedRows: rows,
        effectiveWeight: parts.weightSum / classes,
      });
  }
  return Float64Array.from(stepper.coefficients);
}

/**
 * Focal loss and the loss-dependent selections (hard mining, self-paced, curriculum) need every
 * element's loss at every step: scores, losses, weights and gradient in separate passes. The plan
 * decides which rows train (its one batch per epoch) and the factors of hard mining and self-paced
 * rules on that batch's raw losses. Returns the flat coefficients (classes x width).
 */
export function trainGeneralPath(context: TrainingContext, plan: TrainingPlan): Float64Array {
  const { design, rows, width, classes, weighting, spec, numSteps, focal } = context;
  const elements = rows * classes;
  const coefficients = new Float64Array(classes * width);
  const losses: ElementLosses = {
    probabilityNot: new Float64Array(elements),
    lossIfClass: new Float64Array(elements),
    lossIfNot: new Float64Array(elements),
    rawLoss: new Float64Array(elements),
  };
  const { probabilityNot, lossIfClass, lossIfNot, rawLoss } = losses;
  const restWeights = new Float64Array(elements);
  const classFactors = new Float64Array(elements);
  const errors = new Float64Array(elements);
  const rowLoss = new Float64Array(rows);
  const classWeightedLoss = new Float64Array(elements);
  const positiveWeights = new Float64Array(classes * classes);
  const negativeWeights = new Float64Array(classes * classes);
  const x = new Float64Array(width);
  const gradient = new Float64Array(classes * width);
  for (let step = 0; step < numSteps; step += 1) {
    computeLosses(context, coefficients, losses);
    const start = plan.startEpoch(step);
    if (start.needsRanking)
      for (let row = 0; row < rows; row += 1) {
        let sum = 0;
        for (let label = 0; label < classes; label += 1) sum += rawLoss[row * classes + label] as number;
        rowLoss[row] = sum / classes;
      }
    const planned = start.admit(start.needsRanking ? rowLoss : null);
    const batch = planned.batches[0];
    if (batch) context.onBatchBegin?.(batch);
    const scheduled = batch?.scheduled ?? start.scheduled;
    // Class weights only change under a schedule (the other scheduled values are read every step).
    if (step === 0 || spec?.class?.schedule) fillClassWeights(context, scheduled, positiveWeights, negativeWeights);
    restWeights.fill(0);
    for (const row of batch?.indices ?? []) {
      const curriculum = planned.curriculumWeights ? (planned.curriculumWeights[row] as number) : 1;
      for (let label = 0; label < classes; label += 1)
        restWeights[row * classes + label] = restWeightOf(context, row, label) * curriculum;
    }
    if (batch?.needsLoss) {
      // The batch's elements in its (ascending) row order: flat indices keep SPEC's tie order.
      const batchLoss = new Float64Array(batch.indices.length * classes);
      batch.indices.forEach((row, position) => {
        batchLoss.set(rawLoss.subarray(row * classes, (row + 1) * classes), position * classes);
      });
      const factors = plan.lossFactors(batch, batchLoss);
      batch.indices.forEach((row, position) => {
        for (let label = 0; label < classes; label += 1)
          restWeights[row * classes + label] =
            (restWeights[row * classes + label] as number) * (factors[position * classes + label] as number);
      });
    }
    let numerator = 0;
    let weightSum = 0;
    let nonZeroWeights = 0;
    for (let row = 0, element = 0; row < rows; row += 1) {
      for (let label = 0; label < classes; label += 1, element += 1) {
        const entry = (weighting.labels[row] as number) * classes + label;
        const target = weighting.targetTable[entry] as number;
        const positiveWeight = positiveWeights[entry] as number;
        const negativeWeight = negativeWeights[entry] as number;
        classFactors[element] = target * positiveWeight + (1 - target) * negativeWeight;
        // d(class-weighted loss)/d(standard logit), written so that unit weights and hard targets give
        // exactly ml.js's t - p in its own orientation (pNot = P(not class k), t = 1 - y).
        const pNot = probabilityNot[element] as number;
        errors[element] = -positiveWeight * target * pNot + negativeWeight * (1 - target) * (1 - pNot);
        classWeightedLoss[element] =
          positiveWeight * target * (lossIfClass[element] as number) +
          negativeWeight * (1 - target) * (lossIfNot[element] as number);
      }
    }
    for (let element = 0; element < elements; element += 1) {
      const rest = restWeights[element] as number;
      let slope = errors[element] as number;
      let modulator = 1;
      if (focal) {
        // Sigmoid focal modulator alpha_t (1 - p_t)^gamma on the hard one-vs-all target.
        const hard = weighting.labels[Math.floor(element / classes)] === element % classes ? 1 : 0;
        const pClass = 1 - (probabilityNot[element] as number);
        const oneMinusPt = hard * (1 - pClass) + (1 - hard) * pClass;
        const alpha =
          focal.alpha === null ? 1 : (focal.alpha as number) * hard + (1 - (focal.alpha as number)) * (1 - hard);
        modulator = alpha * oneMinusPt ** focal.gamma;
        const modulatorSlope =
          focal.gamma === 0 || oneMinusPt === 0
            ? 0
            : alpha * focal.gamma * oneMinusPt ** (focal.gamma - 1) * (1 - 2 * hard) * pClass * (1 - pClass);
        // d(phi L)/dz = phi dL/dz + L dphi/dz, with dp_t/dz = (2y - 1) p (1 - p).
        slope = modulator * slope + (classWeightedLoss[element] as number) * modulatorSlope;
      }
      errors[element] = rest * slope;
      const weight = rest * (classFactors[element] as number);
      numerator += rest * modulator * (classWeightedLoss[element] as number);
      weightSum += weight;
      if (weight !== 0) nonZeroWeights += 1;
    }
    checkDenominator(spec, step, weightSum, nonZeroWeights);
    // Each gradient entry sums its rows in ascending order from 0 (as the column-wise sum did), one
    // design row read at a time.
    gradient.fill(0);
    for (let row = 0; row < rows; row += 1) {
      readDesignRow(design, row, x);
      for (let label = 0; label < classes; label += 1) {
        const error = errors[row * classes + label] as number;
        for (let column = 0; column < width; column += 1)
          gradient[label * width + column] =
            (gradient[label * width + column] as number) + (x[column] as number) * error;
      }
    }
    for (let entry = 0; entry < classes * width; entry += 1)
      coefficients[entry] = (coefficients[entry] as number) + (gradient[entry] as number) * context.learningRate;
    if (reportsAt(context, step))
      context.onProgress?.({
        step: step + 1,
        totalSteps: numSteps,
        loss: reduceProgressLoss(spec, { numerator, weightSum, nonZeroWeights }, elements),
        admittedRows: planned.admittedSamples,
        effectiveWeight: weightSum / classes,
      });
  }
  return coefficients;
}

/** Per-element arrays of the general path, allocated once. */
interface ElementLosses {
  /** P(not class k) = sigmoid(score), ml.js's orientation. */
  readonly probabilityNot: Float64Array;
  /** -log P(class k). */
  readonly lossIfClass: Float64Array;
  /** -log P(not class k). */
  readonly lossIfNot: Float64Array;
  /** Raw loss y' l(class) + (1 - y') l(not): no weight of any kind (SPEC pinned rule 5). */
  readonly rawLoss: Float64Array;
}

/** Scores every element at the current coefficients and fills its probabilities and losses. */
function computeLosses(context: TrainingContext, coefficients: Float64Array, losses: ElementLosses): void {
  const { probabilityNot, lossIfClass, lossIfNot, rawLoss } = losses;
  const { design, rows, width, classes, weighting } = context;
  const x = new Float64Array(width);
  for (let row = 0; row < rows; row += 1) {
    readDesignRow(design, row, x);
    for (let label = 0; label < classes; label += 1) {
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (x[column] as number) * (coefficients[label * width + column] as number);
      const element = row * classes + label;
      probabilityNot[element] = 1 / (1 + Math.exp(-score));
      // Standard logit z = -score: softplus(-z) = -log P(class k), softplus(z) = -log P(not k); both
      // share log1p(e^-|z|).
      const z = -score;
      const shared = Math.log1p(Math.exp(-Math.abs(z)));
      const target = weighting.targetTable[(weighting.labels[row] as number) * classes + label] as number;
      lossIfClass[element] = Math.max(-z, 0) + shared;
      lossIfNot[element] = Math.max(z, 0) + shared;
      rawLoss[element] = target * (lossIfClass[element] as number) + (1 - target) * (lossIfNot[element] as number);
    }
  }
}
