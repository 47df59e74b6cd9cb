import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs';
import type { Tfjs } from './tfjs-peer.ts';

/** Keras' epsilon: each log argument a is clipped on its own, log(max(a, EPSILON)) (SPEC pinned rule 9). */
const EPSILON = 1e-7;

/** Per-element tensors of one batch, all shaped [N*E]. */
export interface TfjsElementTerms {
  /** Raw loss l (no class weight, no focal). */
  readonly rawLoss: Tensor1D;
  /** Numerator loss L: c * l, or a+ y' sp(-z) + a- (1-y') sp(z) for sigmoid. */
  readonly classLoss: Tensor1D;
  /** Class factor c of the weights (constant for the gradient). */
  readonly classFactor: Tensor1D;
  /** Focal modulator phi (1 without focal); carries gradient. */
  readonly modulator: Tensor1D;
  /** 1 for elements kept, 0 for elements whose target equals `maskValue`. */
  readonly keep: Tensor1D;
  readonly sampleCount: number;
  readonly elementCount: number;
}

/**
 * Runs `compute` on `input` as one constant for autodiff: the ops inside are not recorded on the tape
 * (comparisons, top-k and scatters have no gradients in tfjs) and the result's gradient is zero. This
 * is the stop-gradient SPEC asks for on weights, denominators and masks.
 */
export function detached(tf: Tfjs, input: Tensor, compute: (value: Tensor) => Tensor): Tensor {
  return tf.customGrad((value) => ({ value: compute(value as Tensor), gradFunc: () => tf.zerosLike(value as Tensor) }))(
    input,
  );
}

/** x^gamma with value 0 and gradient 0 where x = 0 (avoids 0 * inf = NaN for gamma < 1). */
function safePower(tf: Tfjs, x: Tensor, gamma: number): Tensor {
  if (gamma === 0) return tf.onesLike(x);
  const positive = detached(tf, x, (value) => tf.greater(value, 0).toFloat()).cast('bool');
  return tf.where(positive, tf.pow(tf.where(positive, x, tf.onesLike(x)), gamma), tf.zerosLike(x));
}

/**
 * The per-element loss terms of SPEC with tfjs ops, differentiable in `predictions`: softmax CE on
 * [N,...,C] (stable log-softmax, or clipped probabilities), sigmoid CE (softplus form), mse, mae and
 * huber, with label smoothing, class factors at the clock and the focal modulator.
 */
export function tfjsElementTerms(
  tf: Tfjs,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  predictions: Tensor,
  targets: Tensor,
): TfjsElementTerms {
  const loss = spec.loss;
  const sampleCount = predictions.shape[0] ?? 0;
  const focal = (spec.adaptive ?? []).find((rule) => rule.kind === 'focal');
  const maskValue = spec.elements?.maskValue;
  const flatTargets = targets.reshape([-1]).toFloat();
  const masking = maskValue !== undefined;
  const keep = (masking ? tf.notEqual(flatTargets, maskValue).toFloat() : tf.onesLike(flatTargets)) as Tensor1D;
  const safeTargets = masking ? tf.where(keep.cast('bool'), flatTargets, tf.zerosLike(flatTargets)) : flatTargets;
  // Without a mask value every element is kept; skipping the multiplications saves ops per batch.
  const applyKeep = <T extends Tensor>(value: T): T => (masking ? (value.mul(keep) as T) : value);

  if (loss.kind === 'softmax_cross_entropy') {
    const classes = predictions.shape[predictions.shape.length - 1] ?? 1;
    const scores = predictions.reshape([-1, classes]);
    const elementCount = sampleCount === 0 ? 1 : scores.shape[0] / sampleCount;
    const labels = safeTargets.toInt();
    const oneHot = tf.oneHot(labels, classes).toFloat();
    const smoothed = oneHot.mul(1 - loss.labelSmoothing).add(loss.labelSmoothing / classes);
    let logProbabilities: Tensor;
    // 1 - p_y (for focal) as the sum of the other classes' probabilities: exact where p_y rounds to 1.
    let oneMinusTrue = (): Tensor => tf.sum(tf.exp(logProbabilities).mul(tf.onesLike(oneHot).sub(oneHot)), 1);
    if (loss.from === 'logits') {
      logProbabilities = tf.logSoftmax(scores);
    } else {
      // tf.maximum passes the gradient to its first input at a tie, as torch.clamp does at the bound.
      logProbabilities = tf.log(tf.maximum(scores, EPSILON));
      // Focal reads p_y as given: the clip belongs to the log argument only.
      oneMinusTrue = () => tf.scalar(1).sub(tf.sum(scores.mul(oneHot), 1));
    }
    const rawLoss = applyKeep(tf.neg(tf.sum(smoothed.mul(logProbabilities), 1))) as Tensor1D;
    const classFactor = applyKeep(
      scheduled.scheduledClassWeights
        ? tf.gather(tf.tensor1d(scheduled.scheduledClassWeights as number[]), labels)
        : tf.onesLike(rawLoss),
    ) as Tensor1D;
    let modulator = tf.onesLike(rawLoss) as Tensor1D;
    if (focal?.kind === 'focal') {
      const alpha =
        focal.alpha === null
          ? tf.onesLike(rawLoss)
          : typeof focal.alpha === 'number'
            ? tf.fill(rawLoss.shape, focal.alpha)
            : tf.gather(tf.tensor1d(focal.alpha as number[]), labels);
      modulator = alpha.mul(safePower(tf, oneMinusTrue(), focal.gamma)) as Tensor1D;
    }
    return {
      rawLoss,
      classLoss: rawLoss.mul(classFactor) as Tensor1D,
      classFactor,
      modulator,
      keep,
      sampleCount,
      elementCount,
    };
  }

  const flatPredictions = predictions.reshape([-1]);
  const elementCount = sampleCount === 0 ? 1 : flatPredictions.shape[0] / sampleCount;
  if (loss.kind === 'sigmoid_cross_entropy') {
    const labelCount = predictions.shape.length >= 2 ? (predictions.shape[predictions.shape.length - 1] as number) : 1;
    const smoothed = safeTargets.mul(1 - loss.labelSmoothing).add(loss.labelSmoothing / 2);
    const notSmoothed = tf.scalar(1).sub(smoothed);
    let positiveTerm: Tensor;
    let negativeTerm: Tensor;
    let probability: Tensor;
    let complement: Tensor;
    if (loss.from === 'logits') {
      positiveTerm = tf.softplus(tf.neg(flatPredictions));
      negativeTerm = tf.softplus(flatPredictions);
      probability = tf.sigmoid(flatPredictions);
      complement = tf.sigmoid(tf.neg(flatPredictions));
    } else {
      // SPEC pinned rule 9: 1 - clip(p) is not float32-exact (1 - 1e-7 rounds to 0.99999988), so each log
      // argument is clipped on its own: log(max(p, 1e-7)) and log(max(1 - p, 1e-7)).
      probability = flatPredictions;
      complement = tf.scalar(1).sub(flatPredictions);
      positiveTerm = tf.neg(tf.log(tf.maximum(probability, EPSILON)));
      negativeTerm = tf.neg(tf.log(tf.maximum(complement, EPSILON)));
    }
    const labelIndex = tf.range(0, flatPredictions.shape[0], 1, 'int32').mod(tf.scalar(labelCount, 'int32'));
    const positiveWeight = scheduled.scheduledPositiveWeights
      ? tf.gather(tf.tensor1d(scheduled.scheduledPositiveWeights as number[]), labelIndex)
      : tf.onesLike(smoothed);
    const negativeWeight = scheduled.scheduledNegativeWeights
      ? tf.gather(tf.tensor1d(scheduled.scheduledNegativeWeights as number[]), labelIndex)
      : tf.onesLike(smoothed);
    const rawLoss = applyKeep(smoothed.mul(positiveTerm).add(notSmoothed.mul(negativeTerm))) as Tensor1D;
    const classLoss = applyKeep(
      positiveWeight.mul(smoothed).mul(positiveTerm).add(negativeWeight.mul(notSmoothed).mul(negativeTerm)),
    ) as Tensor1D;
    const classFactor = applyKeep(smoothed.mul(positiveWeight).add(notSmoothed.mul(negativeWeight))) as Tensor1D;
    let modulator = tf.onesLike(rawLoss) as Tensor1D;
    if (focal?.kind === 'focal') {
      const hard = safeTargets;
      const notHard = tf.scalar(1).sub(hard);
      const oneMinusPt = hard.mul(complement).add(notHard.mul(probability));
      const alpha =
        focal.alpha === null
          ? tf.onesLike(hard)
          : hard.mul(focal.alpha as number).add(notHard.mul(1 - (focal.alpha as number)));
      modulator = alpha.mul(safePower(tf, oneMinusPt, focal.gamma)) as Tensor1D;
    }
    return { rawLoss, classLoss, classFactor, modulator, keep, sampleCount, elementCount };
  }

  // Regression: |d| as d * sign(d) with the sign held constant, so d|d|/dd is 0 at 0 as SPEC's
  // reference has it (tfjs' own abs gradient is -1 there).
  const difference = flatPredictions.sub(safeTargets);
  const sign = detached(tf, difference, (value) => tf.sign(value));
  const size = difference.mul(sign);
  let rawLoss: Tensor;
  if (loss.kind === 'mse') rawLoss = tf.square(difference);
  else if (loss.kind === 'mae') rawLoss = size;
  else
    rawLoss = tf.where(
      detached(tf, difference, (value) => tf.lessEqual(tf.abs(value), loss.delta).toFloat()).cast('bool'),
      tf.square(difference).mul(0.5),
      size.sub(0.5 * loss.delta).mul(loss.delta),
    );
  const masked = applyKeep(rawLoss) as Tensor1D;
  return {
    rawLoss: masked,
    classLoss: masked,
    classFactor: keep,
    modulator: tf.onesLike(masked) as Tensor1D,
    keep,
    sampleCount,
    elementCount,
  };
}
