import { ZeroDenominatorError } from '@weightspec/core';
import type { PlannedBatch, ScheduledWeighting, TrainingPlan, WeightingSpec } from '@weightspec/core';
import { createFusedProblem, createJavaScriptStepper, fusedLossParts } from './mljs-fused-step.ts';
import type { FusedLossParts } from './mljs-fused-step.ts';
import type { OneVsAllWeighting } from './mljs-step-weights.ts';
import { createWebAssemblyStepper } from './mljs-wasm-step.ts';
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
export function reduceProgressLoss(spec: WeightingSpec | null, parts: FusedLossParts, elements: number): number {
  const kind = spec?.reduction?.kind ?? 'weighted_mean';
  const denominator =
    kind === 'sum' ? 1 : kind === 'mean' ? elements : kind === 'weighted_mean' ? parts.weightSum : parts.nonZeroWeights;
  return denominator === 0 ? 0 : parts.numerator / denominator;
}

/**
 * `reduction.zeroDenominator: "error"` (SPEC "reduction"): a step whose weights are all 0 stops with
 * WS_ZERO_DENOMINATOR, as tfjs and onnx stop on such a batch, instead of training on nothing.
 */
export function checkDenominator(
  spec: WeightingSpec | null,
  step: number,
  weightSum: number,
  nonZeroWeights: number,
): void {
  const reduction = spec?.reduction;
  if (reduction?.zeroDenominator !== 'error') return;
  const vanished =
    (reduction.kind === 'weighted_mean' && weightSum === 0) ||
    (reduction.kind === 'nonzero_mean' && nonZeroWeights === 0);
  if (vanished) throw new ZeroDenominatorError(reduction.kind, `every weight of step ${step} is 0`);
}

/** Whether step `step` (0-based) reports progress. */
export const reportsAt = (context: TrainingContext, step: number): boolean =>
  context.onProgress !== null && ((step + 1) % context.progressEvery === 0 || step + 1 === context.numSteps);

/**
 * Fills the positive and negative class weight of element (row of label y, class k) at a step, per
 * (y, k) in classes x classes tables: per class k for a sigmoid spec, the row's class weight c_y as
 * both for a softmax spec, 1 without class weights. They depend on nothing else, so no N x K array.
 */
export function fillClassWeights(
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
export const restWeightOf = (context: TrainingContext, row: number, label: number): number =>
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
