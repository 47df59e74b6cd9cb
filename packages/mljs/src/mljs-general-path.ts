import type { TrainingPlan } from '@weightspec/core';
import { readDesignRow } from './mljs-design-matrix.ts';
import {
  checkDenominator,
  fillClassWeights,
  reduceProgressLoss,
  reportsAt,
  restWeightOf,
} from './mljs-training-paths.ts';
import type { TrainingContext } from './mljs-training-paths.ts';

/**
 * Focal loss and the loss-dependent selections (hard mining, self-paced, curriculum) need every
 * element's loss at every step. Per step: one pass scores every element (kept as N x K scores), the
 * raw losses (N x K) are formed only when the plan ranks rows or a selection rule needs them, then one
 * pass over the rows forms each element's weight, error and loss and adds the row to the gradient.
 * Weights, errors and class factors are never stored per element, so the path holds two N x K float64
 * arrays, not eight. The plan decides which rows train (its one batch per epoch) and the factors of
 * hard mining and self-paced rules on that batch's raw losses. Returns the flat coefficients.
 *
 * Every value is formed as the former eight-array version formed it (the same products, and sums over
 * elements in row-major order, gradient entries over rows in ascending order), so the results agree
 * bit for bit.
 */
export function trainGeneralPath(context: TrainingContext, plan: TrainingPlan): Float64Array {
  const { design, rows, width, classes, weighting, spec, numSteps, focal } = context;
  const elements = rows * classes;
  const coefficients = new Float64Array(classes * width);
  const scores = new Float64Array(elements);
  let rawLoss: Float64Array | null = null;
  const rowLoss = new Float64Array(rows);
  // Position of each row in the step's batch (-1: not admitted), to find its loss factors.
  const positionOf = new Int32Array(rows);
  const positiveWeights = new Float64Array(classes * classes);
  const negativeWeights = new Float64Array(classes * classes);
  const x = new Float64Array(width);
  const rowErrors = new Float64Array(classes);
  const gradient = new Float64Array(classes * width);
  for (let step = 0; step < numSteps; step += 1) {
    computeScores(context, coefficients, scores);
    let lossesReady = false;
    const ensureRawLoss = (): Float64Array => {
      rawLoss ??= new Float64Array(elements);
      if (!lossesReady) computeRawLoss(context, scores, rawLoss);
      lossesReady = true;
      return rawLoss;
    };
    const start = plan.startEpoch(step);
    if (start.needsRanking) {
      const losses = ensureRawLoss();
      for (let row = 0; row < rows; row += 1) {
        let sum = 0;
        for (let label = 0; label < classes; label += 1) sum += losses[row * classes + label] as number;
        rowLoss[row] = sum / classes;
      }
    }
    const planned = start.admit(start.needsRanking ? rowLoss : null);
    const batch = planned.batches[0];
    if (batch) context.onBatchBegin?.(batch);
    const scheduled = batch?.scheduled ?? start.scheduled;
    // Class weights only change under a schedule (the other scheduled values are read every step).
    if (step === 0 || spec?.class?.schedule) fillClassWeights(context, scheduled, positiveWeights, negativeWeights);
    positionOf.fill(-1);
    const indices = batch?.indices ?? new Int32Array(0);
    indices.forEach((row, position) => {
      positionOf[row] = position;
    });
    let factors: Float64Array | null = null;
    if (batch?.needsLoss) {
      const losses = ensureRawLoss();
      // The batch's elements in its (ascending) row order: flat indices keep SPEC's tie order. A batch
      // of every row in order is the loss array itself, not a copy of it.
      const whole = indices.length === rows && indices.every((row, position) => row === position);
      const batchLoss = whole ? losses : new Float64Array(indices.length * classes);
      if (!whole)
        indices.forEach((row, position) => {
          batchLoss.set(losses.subarray(row * classes, (row + 1) * classes), position * classes);
        });
      factors = plan.lossFactors(batch, batchLoss);
    }
    let numerator = 0;
    let weightSum = 0;
    let nonZeroWeights = 0;
    gradient.fill(0);
    for (let row = 0; row < rows; row += 1) {
      const position = positionOf[row] as number;
      const curriculum = planned.curriculumWeights ? (planned.curriculumWeights[row] as number) : 1;
      const rowLabel = weighting.labels[row] as number;
      for (let label = 0; label < classes; label += 1) {
        const element = row * classes + label;
        let rest = 0;
        if (position >= 0) {
          rest = restWeightOf(context, row, label) * curriculum;
          if (factors) rest *= factors[position * classes + label] as number;
        }
        const entry = rowLabel * classes + label;
        const target = weighting.targetTable[entry] as number;
        const positiveWeight = positiveWeights[entry] as number;
        const negativeWeight = negativeWeights[entry] as number;
        const classFactor = target * positiveWeight + (1 - target) * negativeWeight;
        // d(class-weighted loss)/d(standard logit), written so that unit weights and hard targets give
        // exactly ml.js's t - p in its own orientation (pNot = P(not class k), t = 1 - y).
        const score = scores[element] as number;
        const pNot = 1 / (1 + Math.exp(-score));
        const [lossIfClass, lossIfNot] = elementLosses(score);
        let slope = -positiveWeight * target * pNot + negativeWeight * (1 - target) * (1 - pNot);
        const classWeightedLoss = positiveWeight * target * lossIfClass + negativeWeight * (1 - target) * lossIfNot;
        let modulator = 1;
        if (focal) {
          // Sigmoid focal modulator alpha_t (1 - p_t)^gamma on the hard one-vs-all target.
          const hard = rowLabel === label ? 1 : 0;
          const pClass = 1 - pNot;
          const oneMinusPt = hard * (1 - pClass) + (1 - hard) * pClass;
          const alpha =
            focal.alpha === null ? 1 : (focal.alpha as number) * hard + (1 - (focal.alpha as number)) * (1 - hard);
          modulator = alpha * oneMinusPt ** focal.gamma;
          const modulatorSlope =
            focal.gamma === 0 || oneMinusPt === 0
              ? 0
              : alpha * focal.gamma * oneMinusPt ** (focal.gamma - 1) * (1 - 2 * hard) * pClass * (1 - pClass);
          // d(phi L)/dz = phi dL/dz + L dphi/dz, with dp_t/dz = (2y - 1) p (1 - p).
          slope = modulator * slope + classWeightedLoss * modulatorSlope;
        }
        rowErrors[label] = rest * slope;
        const weight = rest * classFactor;
        numerator += rest * modulator * classWeightedLoss;
        weightSum += weight;
        if (weight !== 0) nonZeroWeights += 1;
      }
      // Each gradient entry sums its rows in ascending order from 0.
      readDesignRow(design, row, x);
      for (let label = 0; label < classes; label += 1) {
        const error = rowErrors[label] as number;
        for (let column = 0; column < width; column += 1)
          gradient[label * width + column] =
            (gradient[label * width + column] as number) + (x[column] as number) * error;
      }
    }
    checkDenominator(spec, step, weightSum, nonZeroWeights);
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

/** -log P(class k) and -log P(not class k) from the score (the logit of "not class k"). */
function elementLosses(score: number): [number, number] {
  // Standard logit z = -score: softplus(-z) = -log P(class k), softplus(z) = -log P(not k); both
  // share log1p(e^-|z|).
  const z = -score;
  const shared = Math.log1p(Math.exp(-Math.abs(z)));
  return [Math.max(-z, 0) + shared, Math.max(z, 0) + shared];
}

/** Scores every element (row-major, N x K) at the current coefficients. */
function computeScores(context: TrainingContext, coefficients: Float64Array, scores: Float64Array): void {
  const { design, rows, width, classes } = context;
  const x = new Float64Array(width);
  for (let row = 0; row < rows; row += 1) {
    readDesignRow(design, row, x);
    for (let label = 0; label < classes; label += 1) {
      let score = 0;
      for (let column = 0; column < width; column += 1)
        score += (x[column] as number) * (coefficients[label * width + column] as number);
      scores[row * classes + label] = score;
    }
  }
}

/** Raw loss y' l(class) + (1 - y') l(not) per element: no weight of any kind (SPEC pinned rule 5). */
function computeRawLoss(context: TrainingContext, scores: Float64Array, rawLoss: Float64Array): void {
  const { rows, classes, weighting } = context;
  for (let row = 0; row < rows; row += 1)
    for (let label = 0; label < classes; label += 1) {
      const element = row * classes + label;
      const target = weighting.targetTable[(weighting.labels[row] as number) * classes + label] as number;
      const [lossIfClass, lossIfNot] = elementLosses(scores[element] as number);
      rawLoss[element] = target * lossIfClass + (1 - target) * lossIfNot;
    }
}
