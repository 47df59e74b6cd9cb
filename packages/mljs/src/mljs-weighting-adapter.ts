import { Matrix } from 'ml-matrix';
import {
  ZeroDenominatorError,
  curriculumFactorsByRank,
  hardMiningKeepCount,
  scaleWeightsForFloat32,
} from '@weightspec/core';
import type { WeightingAdapter, WeightingComputation, WeightingResult } from '@weightspec/core';

const EPSILON = 1e-7;
const filled = (rows: number, columns: number, value: number) => Matrix.zeros(rows, columns).add(value);
/** softplus(x) = max(x, 0) + log1p(exp(-|x|)), elementwise and stable for |x| = 1e4. */
const softplus = (x: Matrix) =>
  Matrix.max(x, Matrix.zeros(x.rows, x.columns)).add(Matrix.log1p(Matrix.exp(Matrix.abs(x).neg())));
/** 1 where the predicate holds, else 0. */
const indicator = (x: Matrix, predicate: (value: number) => boolean) => {
  const result = x.clone();
  result.apply(function (this: Matrix, row, column) {
    this.set(row, column, predicate(x.get(row, column)) ? 1 : 0);
  });
  return result;
};

/** Descending order of the values (ties: lower flat index first). */
function orderDescending(values: number[]): number[] {
  return values
    .map((_, index) => index)
    .sort((left, right) => (values[right] as number) - (values[left] as number) || left - right);
}

/**
 * The weighting computation of the ml.js adapter with ml-matrix: sigmoid cross-entropy on [N,K] one-
 * vs-all logits (what ml-logistic-regression trains), every weight, focal, hard mining, self-paced,
 * curriculum, the four reductions and the analytic gradient, as matrix operations.
 */
async function computeWithMlMatrix({
  spec,
  scheduled,
  batch,
  wantGradient,
}: WeightingComputation): Promise<WeightingResult> {
  const rows = batch.sampleCount;
  const columns = batch.classCount;
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  const zeroDenominator = (detail: string): WeightingResult => {
    if (reduction.zeroDenominator === 'error') throw new ZeroDenominatorError(reduction.kind, detail);
    const loss = reduction.zeroDenominator === 'nan' ? Number.NaN : 0;
    return {
      loss,
      weights: new Float64Array(rows * columns),
      gradient: loss === 0 ? new Float64Array(batch.predictions.length) : null,
    };
  };
  if (rows === 0) return zeroDenominator('the batch is empty');
  const loss = spec.loss as Extract<typeof spec.loss, { kind: 'sigmoid_cross_entropy' }>;
  const keep = Matrix.from1DArray(
    rows,
    columns,
    Array.from(batch.masked, (masked) => 1 - masked),
  );
  const hardTargets = Matrix.from1DArray(rows, columns, Array.from(batch.targets)).mul(keep);
  const targets = hardTargets
    .clone()
    .mul(1 - loss.labelSmoothing)
    .add(loss.labelSmoothing / 2)
    .mul(keep);
  const notTargets = filled(rows, columns, 1).sub(targets);
  const predictions = Matrix.from1DArray(rows, columns, Array.from(batch.predictions));
  let probability: Matrix;
  let complement: Matrix;
  let positiveTerm: Matrix;
  let negativeTerm: Matrix;
  let inside: Matrix | null = null;
  let clippedProbability: Matrix | null = null;
  let clippedComplement: Matrix | null = null;
  let positiveInside: Matrix | null = null;
  let negativeInside: Matrix | null = null;
  if (loss.from === 'logits') {
    positiveTerm = softplus(predictions.clone().neg());
    negativeTerm = softplus(predictions);
    probability = Matrix.exp(positiveTerm.clone().neg());
    complement = Matrix.exp(negativeTerm.clone().neg());
  } else {
    // SPEC pinned rule 9: each log argument is clipped on its own, log(max(p, 1e-7)) and
    // log(max(1 - p, 1e-7)), each with slope 0 where its clip is active; focal reads p as given.
    inside = filled(rows, columns, 1);
    probability = predictions.clone();
    complement = filled(rows, columns, 1).sub(predictions);
    clippedProbability = Matrix.max(probability, filled(rows, columns, EPSILON));
    clippedComplement = Matrix.max(complement, filled(rows, columns, EPSILON));
    positiveInside = indicator(probability, (value) => value >= EPSILON);
    negativeInside = indicator(complement, (value) => value >= EPSILON);
    positiveTerm = Matrix.log(clippedProbability).neg();
    negativeTerm = Matrix.log(clippedComplement).neg();
  }
  const positiveWeights = filled(rows, columns, 1).mulRowVector(
    scheduled.scheduledPositiveWeights ?? new Array(columns).fill(1),
  );
  const negativeWeights = filled(rows, columns, 1).mulRowVector(
    scheduled.scheduledNegativeWeights ?? new Array(columns).fill(1),
  );
  const rawLoss = targets.clone().mul(positiveTerm).add(notTargets.clone().mul(negativeTerm)).mul(keep);
  const classLoss = targets
    .clone()
    .mul(positiveTerm)
    .mul(positiveWeights)
    .add(notTargets.clone().mul(negativeTerm).mul(negativeWeights))
    .mul(keep);
  const classFactor = targets.clone().mul(positiveWeights).add(notTargets.clone().mul(negativeWeights)).mul(keep);

  const rest = keep.clone();
  if (batch.sampleWeights)
    rest.mulColumnVector(Array.from(batch.sampleWeights, (weight) => weight * scheduled.sampleWeightScale));
  if (batch.elementWeights) rest.mul(Matrix.from1DArray(rows, columns, Array.from(batch.elementWeights)));
  if (spec.elements?.weights) rest.mulRowVector(spec.elements.weights as number[]);

  let modulator = filled(rows, columns, 1);
  let modulatorSlope = Matrix.zeros(rows, columns);
  (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
    if (rule.kind === 'focal') {
      const oneMinusPt = hardTargets
        .clone()
        .mul(complement)
        .add(filled(rows, columns, 1).sub(hardTargets).mul(probability));
      const alpha =
        rule.alpha === null
          ? filled(rows, columns, 1)
          : hardTargets
              .clone()
              .mul(rule.alpha as number)
              .add(
                filled(rows, columns, 1)
                  .sub(hardTargets)
                  .mul(1 - (rule.alpha as number)),
              );
      modulator = alpha.clone().mul(Matrix.pow(oneMinusPt, rule.gamma));
      // d phi / dz = alpha gamma (1-p_t)^(gamma-1) (1 - 2y) dp/dz; 0 where (1-p_t) = 0 and gamma != 1.
      const isZero = indicator(oneMinusPt, (value) => value === 0);
      const powerSlope =
        rule.gamma === 0
          ? Matrix.zeros(rows, columns)
          : Matrix.pow(oneMinusPt.clone().add(isZero), rule.gamma - 1).mul(
              rule.gamma === 1 ? filled(rows, columns, 1) : filled(rows, columns, 1).sub(isZero),
            );
      const chain = inside ? inside : probability.clone().mul(complement);
      modulatorSlope = alpha
        .mul(powerSlope)
        .mul(rule.gamma)
        .mul(filled(rows, columns, 1).sub(hardTargets.clone().mul(2)))
        .mul(chain);
    } else if (rule.kind === 'hard_mining') {
      const losses = rawLoss.to1DArray();
      const eligible = losses.map((_, index) => index).filter((index) => !batch.masked[index]);
      const order = orderDescending(eligible.map((index) => losses[index] as number)).map(
        (position) => eligible[position] as number,
      );
      const kept = new Array<number>(losses.length).fill(0);
      order.slice(0, eligible.length === 0 ? 0 : hardMiningKeepCount(rule, eligible.length)).forEach((index) => {
        kept[index] = 1;
      });
      rest.mul(Matrix.from1DArray(rows, columns, kept));
    } else {
      const threshold = scheduled.selfPacedThresholds[ruleIndex] as number;
      rest.mul(
        rule.mode === 'hard'
          ? indicator(rawLoss, (value) => value < threshold)
          : Matrix.max(filled(rows, columns, 1).sub(rawLoss.clone().div(threshold)), Matrix.zeros(rows, columns)),
      );
    }
  });
  const curriculum = spec.curriculum;
  if (curriculum) {
    const counts = keep.sum('row');
    const difficulty =
      curriculum.difficulty === 'provided'
        ? Array.from(batch.difficulty ?? [])
        : rawLoss.sum('row').map((sum, row) => ((counts[row] as number) === 0 ? 0 : sum / (counts[row] as number)));
    const easiestFirst = orderDescending(difficulty.map((value) => -value));
    const fraction = scheduled.curriculumFraction ?? 1;
    const byRank = curriculumFactorsByRank(curriculum, fraction, rows);
    const factors = new Array<number>(rows).fill(0);
    easiestFirst.forEach((row, rank) => {
      factors[row] = byRank[rank] as number;
    });
    rest.mulColumnVector(factors);
  }
  const weights = classFactor.clone().mul(rest);
  const numerator = rest.clone().mul(modulator).mul(classLoss).sum();
  const weightSum = weights.sum();
  const nonZero = indicator(weights, (value) => value !== 0).sum();
  const denominator =
    reduction.kind === 'sum'
      ? 1
      : reduction.kind === 'mean'
        ? rows * columns
        : reduction.kind === 'weighted_mean'
          ? weightSum
          : nonZero;
  if (denominator === 0)
    return zeroDenominator(
      reduction.kind === 'weighted_mean' ? 'all weights are zero' : 'no element has a non-zero weight',
    );
  let gradient: Float64Array | null = null;
  if (wantGradient) {
    let lossSlope: Matrix;
    if (inside) {
      lossSlope = positiveWeights
        .clone()
        .mul(targets)
        .div(clippedProbability as Matrix)
        .mul(positiveInside as Matrix)
        .neg()
        .add(
          negativeWeights
            .clone()
            .mul(notTargets)
            .div(clippedComplement as Matrix)
            .mul(negativeInside as Matrix),
        );
    } else {
      lossSlope = positiveWeights
        .clone()
        .mul(targets)
        .mul(complement)
        .neg()
        .add(negativeWeights.clone().mul(notTargets).mul(probability));
    }
    const slope = modulator
      .clone()
      .mul(lossSlope)
      .add(classLoss.clone().mul(modulatorSlope))
      .mul(rest)
      .div(denominator);
    gradient = Float64Array.from(slope.to1DArray());
  }
  return { loss: numerator / denominator, weights: Float64Array.from(weights.to1DArray()), gradient };
}

/**
 * The ml.js adapter for the conformance suite (id `mljs`). ml-logistic-regression trains one-vs-all
 * sigmoid classifiers on tabular rows, so the adapter implements sigmoid cross-entropy with every
 * weight and rule; the rest is declared unsupported with the reason.
 */
export function createMljsWeightingAdapter(): WeightingAdapter {
  const notAClassifierLoss = 'ml-logistic-regression trains one-vs-all sigmoid classifiers; it has no such loss';
  return {
    id: 'mljs',
    specVersions: [1],
    capabilities: {
      unsupported: {
        'loss.softmax_cross_entropy':
          "ml-logistic-regression trains one-vs-all sigmoid classifiers, not a softmax model (a softmax spec's class weights still apply in training, as per-sample weights)",
        'loss.mse': notAClassifierLoss,
        'loss.mae': notAClassifierLoss,
        'loss.huber': notAClassifierLoss,
        'shape.sequence': 'ml-logistic-regression takes tabular rows [N,D]; outputs are [N,K]',
        'shape.dense':
          'ml-logistic-regression predicts one row of K labels per sample; dense outputs [N,d1..dk] (per-pixel) need another framework',
      },
    },
    async computeWeightedLoss(given: WeightingComputation): Promise<WeightingResult> {
      // SPEC pinned rule 11: weights are rescaled by their maximum (sums of weights near 1e308 overflow
      // float64 too) and the factor is multiplied back; it cancels in weighted_mean.
      const { computation, weightFactor, lossFactor } = scaleWeightsForFloat32(given);
      const result = await computeWithMlMatrix(computation);
      return {
        loss: result.loss * lossFactor,
        weights: Float64Array.from(result.weights, (weight) => weight * weightFactor),
        gradient: result.gradient ? Float64Array.from(result.gradient, (slope) => slope * lossFactor) : null,
      };
    },
  };
}
