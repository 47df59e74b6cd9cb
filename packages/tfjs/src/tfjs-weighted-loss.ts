import { ZeroDenominatorError, curriculumFactorsByRank, hardMiningKeepCount } from '@weightspec/core';
import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';
import { detached, tfjsElementTerms } from './tfjs-element-losses.ts';
import type { Tfjs } from './tfjs-peer.ts';

/** Per-batch data besides predictions and targets, as tensors or plain arrays. */
export interface TfjsWeightingExtras {
  /** Per-sample weights [N] (already as given; the spec's mean_one scale is applied here). */
  readonly sampleWeights?: Tensor | ArrayLike<number> | null;
  /** Per-element weights [N,E]. */
  readonly elementWeights?: Tensor | null;
  /** Per-sample difficulty [N] for `curriculum.difficulty: provided`. */
  readonly difficulty?: Tensor | ArrayLike<number> | null;
  /**
   * Per-sample curriculum weights [N] computed elsewhere (fitWeighted ranks the whole training set at
   * the start of an epoch); when given, the spec's curriculum is not re-ranked within the batch.
   */
  readonly curriculumWeights?: Tensor | null;
}

/** The weighted loss of one batch and what it was made of. */
export interface TfjsWeightedLoss {
  /** Reduced loss; differentiable in the predictions through the loss terms and the focal modulator. */
  readonly loss: Scalar;
  /**
   * Final weights w [N,E] (constant for the gradient). With plain-array sample weights under
   * weighted_mean these are w divided by the largest sample weight (the factor cancels in the loss).
   */
  readonly weights: Tensor;
  /** Raw per-element loss [N,E]. */
  readonly elementLoss: Tensor;
  /** The reduction's denominator (constant). */
  readonly denominator: Scalar;
}

/** Smallest normal float32: the floor under a zero denominator. */
const FLOAT32_SMALLEST_NORMAL = 1.1754943508222875e-38;

const asTensor = (tf: Tfjs, value: Tensor | ArrayLike<number>): Tensor =>
  value instanceof tf.Tensor ? (value as Tensor) : tf.tensor1d(Array.from(value as ArrayLike<number>));

/** 0-based rank of each sample by difficulty ascending, ties to the lower index (top-k is stable). */
function rankAscending(tf: Tfjs, difficulty: Tensor1D): Tensor1D {
  const count = difficulty.shape[0];
  const order = tf.topk(tf.neg(difficulty), count).indices;
  return tf.scatterND(order.reshape([count, 1]), tf.range(0, count, 1, 'int32'), [count]) as Tensor1D;
}

/** w / c: sample x element x mask x adaptive x curriculum weights, from the raw losses [N*E]. */
function restWeights(
  tf: Tfjs,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  rawLoss: Tensor1D,
  keep: Tensor1D,
  sampleCount: number,
  elementCount: number,
  extras: TfjsWeightingExtras,
): Tensor {
  const total = sampleCount * elementCount;
  let rest: Tensor = keep.reshape([sampleCount, elementCount]);
  if (extras.sampleWeights != null) {
    const sampleWeights = asTensor(tf, extras.sampleWeights).reshape([sampleCount, 1]);
    rest = rest.mul(scheduled.sampleWeightScale === 1 ? sampleWeights : sampleWeights.mul(scheduled.sampleWeightScale));
  }
  if (extras.elementWeights != null) rest = rest.mul(extras.elementWeights.reshape([sampleCount, elementCount]));
  if (spec.elements?.weights) rest = rest.mul(tf.tensor2d([spec.elements.weights as number[]]));
  rest = rest.reshape([total]);
  (spec.adaptive ?? []).forEach((rule, ruleIndex) => {
    if (rule.kind === 'hard_mining') {
      const eligible = keep.sum().arraySync() as number;
      const keepCount = eligible === 0 ? 0 : hardMiningKeepCount(rule, eligible);
      const candidates = tf.where(keep.cast('bool'), rawLoss, tf.fill([total], Number.NEGATIVE_INFINITY));
      const chosen =
        keepCount === 0
          ? tf.zeros([total])
          : tf.scatterND(tf.topk(candidates, keepCount).indices.reshape([keepCount, 1]), tf.ones([keepCount]), [total]);
      rest = rest.mul(chosen);
    } else if (rule.kind === 'self_paced') {
      const threshold = scheduled.selfPacedThresholds[ruleIndex] as number;
      rest = rest.mul(
        rule.mode === 'hard'
          ? tf.less(rawLoss, threshold).toFloat()
          : tf.relu(tf.scalar(1).sub(rawLoss.div(threshold))),
      );
    }
  });
  const curriculum = spec.curriculum;
  if (extras.curriculumWeights != null) {
    rest = rest
      .reshape([sampleCount, elementCount])
      .mul(extras.curriculumWeights.reshape([sampleCount, 1]))
      .reshape([total]);
  } else if (curriculum && sampleCount > 0) {
    let difficulty: Tensor1D;
    if (curriculum.difficulty === 'provided') difficulty = asTensor(tf, extras.difficulty ?? []).toFloat() as Tensor1D;
    else {
      const kept = keep.reshape([sampleCount, elementCount]);
      const counts = kept.sum(1);
      difficulty = tf.where(
        tf.greater(counts, 0),
        rawLoss.reshape([sampleCount, elementCount]).mul(kept).sum(1).div(tf.maximum(counts, 1)),
        tf.zerosLike(counts),
      ) as Tensor1D;
    }
    const rank = rankAscending(tf, difficulty);
    const fraction = scheduled.curriculumFraction ?? 1;
    // Weight by rank position, computed in float64 from the schedule's scalars, then gathered.
    const byRank = Array.from(curriculumFactorsByRank(curriculum, fraction, sampleCount));
    rest = rest
      .reshape([sampleCount, elementCount])
      .mul(tf.gather(tf.tensor1d(byRank), rank).reshape([sampleCount, 1]))
      .reshape([total]);
  }
  return rest;
}

/**
 * SPEC's weighted loss with tfjs ops: w = class x sample x element x adaptive x curriculum (all held
 * constant for the gradient, like every denominator), phi the focal modulator, and the reduction with
 * its zero-denominator policy. Call inside `tf.tidy` / `optimizer.minimize` / `tf.valueAndGrad`.
 */
export function tfjsWeightedLoss(
  tf: Tfjs,
  spec: WeightingSpec,
  givenScheduled: ScheduledWeighting,
  predictions: Tensor,
  targets: Tensor,
  givenExtras: TfjsWeightingExtras = {},
): TfjsWeightedLoss {
  let scheduled = givenScheduled;
  let extras = givenExtras;
  const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
  const given = extras.sampleWeights;
  if (given != null && !(given instanceof tf.Tensor)) {
    // SPEC pinned rule 11: plain-array sample weights are scaled in float64 before the float32 cast, by
    // mean_one's factor and, for weighted_mean (where any common factor cancels), by their maximum, so
    // weights like 1e-40 or 1e39 neither flush to 0 nor overflow.
    const values = Float64Array.from(given as ArrayLike<number>, (value) => value * scheduled.sampleWeightScale);
    if (reduction.kind === 'weighted_mean') {
      const largest = values.reduce((maximum, value) => Math.max(maximum, value), 0);
      if (largest > 0)
        for (let index = 0; index < values.length; index += 1) values[index] = (values[index] as number) / largest;
    }
    extras = { ...extras, sampleWeights: values };
    scheduled = { ...scheduled, sampleWeightScale: 1 };
  }
  const terms = tfjsElementTerms(tf, spec, scheduled, predictions, targets);
  const { sampleCount, elementCount } = terms;
  const total = sampleCount * elementCount;
  // Everything but the class factor. Weights that read the losses (adaptive selection, a curriculum
  // ranked in the batch) are one detached computation; otherwise they are constants already.
  const readsLoss =
    (spec.adaptive ?? []).some((rule) => rule.kind !== 'focal') ||
    (spec.curriculum !== undefined && extras.curriculumWeights == null);
  const rest = readsLoss
    ? detached(tf, terms.rawLoss, (rawLoss) =>
        restWeights(tf, spec, scheduled, rawLoss as Tensor1D, terms.keep, sampleCount, elementCount, extras),
      )
    : restWeights(tf, spec, scheduled, terms.rawLoss, terms.keep, sampleCount, elementCount, extras);
  const weights = terms.classFactor.mul(rest);
  const numerator = tf.sum(rest.mul(terms.modulator).mul(terms.classLoss));
  let denominator: Scalar;
  if (reduction.kind === 'sum') denominator = tf.scalar(total === 0 ? 0 : 1);
  else if (reduction.kind === 'mean') denominator = tf.scalar(total);
  else if (reduction.kind === 'weighted_mean') denominator = tf.sum(weights);
  else denominator = detached(tf, weights, (value) => tf.sum(tf.notEqual(value, 0).toFloat())) as Scalar;
  // With weights that read the losses, the denominator is on the tape; detach it (SPEC: constant).
  if (readsLoss) denominator = detached(tf, denominator, (value) => value.clone()) as Scalar;
  if (reduction.zeroDenominator === 'error' && (denominator.arraySync() as number) === 0)
    throw new ZeroDenominatorError(
      reduction.kind,
      total === 0 ? 'the batch is empty' : 'the weights leave nothing to divide by',
    );
  let loss: Scalar;
  if (reduction.zeroDenominator === 'nan') {
    const isZero = detached(tf, denominator, (value) => tf.equal(value, 0).toFloat()).cast('bool');
    loss = tf.where(
      isZero,
      tf.scalar(Number.NaN),
      numerator.div(tf.where(isZero, tf.onesLike(denominator), denominator)),
    ) as Scalar;
  } else {
    // A zero denominator means every weight is 0, so the numerator is 0 too (a zero class factor
    // zeroes the class-weighted loss as well): dividing by a floor gives SPEC's 0 and a 0 gradient
    // without extra ops per batch.
    loss = numerator.div(tf.maximum(denominator, FLOAT32_SMALLEST_NORMAL)) as Scalar;
  }
  return {
    loss,
    weights: weights.reshape([sampleCount, elementCount]),
    elementLoss: terms.rawLoss.reshape([sampleCount, elementCount]),
    denominator,
  };
}
