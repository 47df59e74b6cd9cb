import { parseWeightingSpec, resolveSchedules, resolveWeighting } from '@weightspec/core';
import type { ClockState, ResolvedWeighting, WeightingSpec } from '@weightspec/core';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from './tfjs-peer.ts';
import { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';

/** Per-epoch numbers fitWeighted reports (and passes to `onEpochEnd`). */
export type WeightedEpochLogs = Record<string, number>;

/** Validation data after checking: targets as the loss takes them, per-sample weights or null. */
export interface CheckedValidation {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly sampleWeights: Float32Array | null;
}

/** The spec without training-only rules: what weighted validation metrics use. */
export function validationSpec(spec: WeightingSpec): WeightingSpec {
  return parseWeightingSpec({
    ...spec,
    adaptive: (spec.adaptive ?? []).filter((rule) => rule.kind === 'focal'),
    curriculum: undefined,
  });
}

/** The same loss with no weighting at all (masking kept): what unweighted validation numbers use. */
export function plainSpec(spec: WeightingSpec): WeightingSpec {
  return parseWeightingSpec({
    specVersion: 1,
    loss: spec.loss,
    elements: spec.elements?.maskValue === undefined ? undefined : { maskValue: spec.elements.maskValue },
  });
}

/**
 * Weighted and unweighted validation numbers, as Keras reports `metrics` and `weighted_metrics`:
 * `val_loss` (the spec's weighting without training-only rules), `val_unweighted_loss`, and for
 * classification `val_accuracy` and `val_weighted_accuracy`, where each sample (softmax) or element
 * (sigmoid) counts with its sample weight times its class weight at this clock.
 */
export function evaluateValidation(
  tf: Tfjs,
  model: LayersModel,
  validation: CheckedValidation,
  weightedSpec: WeightingSpec,
  plainSpec: WeightingSpec,
  resolved: ResolvedWeighting,
  clock: ClockState,
  batchSize: number,
): WeightedEpochLogs {
  const { x: xv, y: yv, sampleWeights: weights } = validation;
  return tf.tidy(() => {
    const predictions = model.predict(xv, { batchSize }) as Tensor;
    const weighted = tfjsWeightedLoss(
      tf,
      weightedSpec,
      resolveSchedules(weightedSpec, resolved, clock),
      predictions,
      yv,
      { sampleWeights: weights ?? null },
    ).loss;
    const plainResolved = resolveWeighting(plainSpec, {});
    const unweighted = tfjsWeightedLoss(
      tf,
      plainSpec,
      resolveSchedules(plainSpec, plainResolved, clock),
      predictions,
      yv,
    ).loss;
    const logs: WeightedEpochLogs = {
      val_loss: weighted.dataSync()[0] as number,
      val_unweighted_loss: unweighted.dataSync()[0] as number,
    };
    // Accuracy over unmasked elements only (padding does not count).
    const scheduled = resolveSchedules(weightedSpec, resolved, clock);
    const maskValue = weightedSpec.elements?.maskValue;
    const kept = (target: Tensor) =>
      maskValue === undefined ? tf.onesLike(target).toFloat() : tf.notEqual(target, maskValue).toFloat();
    const accuracy = (correct: Tensor, weight: Tensor) =>
      tf
        .sum(correct.mul(weight))
        .div(tf.maximum(tf.sum(weight), Number.MIN_VALUE))
        .dataSync()[0] as number;
    // Sample weights [N] broadcast over the remaining axes of a [N, ...] tensor.
    const bySample = (like: Tensor) =>
      weights ? tf.tensor1d(weights).reshape([like.shape[0] ?? 0, ...like.shape.slice(1).map(() => 1)]) : tf.scalar(1);
    if (weightedSpec.loss.kind === 'softmax_cross_entropy') {
      const keep = kept(yv);
      const correct = tf.equal(tf.argMax(predictions, -1), yv.toInt()).toFloat();
      logs.val_accuracy = accuracy(correct, keep);
      const classWeights = scheduled.scheduledClassWeights;
      const safeTargets = tf.where(keep.cast('bool'), yv, tf.zerosLike(yv)).toInt();
      const classWeight = classWeights ? tf.gather(tf.tensor1d(classWeights as number[]), safeTargets) : tf.scalar(1);
      logs.val_weighted_accuracy = accuracy(correct, keep.mul(classWeight).mul(bySample(yv)));
    } else if (weightedSpec.loss.kind === 'sigmoid_cross_entropy') {
      const threshold = weightedSpec.loss.from === 'logits' ? 0 : 0.5;
      const targets = yv.reshape(predictions.shape);
      const keep = kept(targets);
      const correct = tf.equal(tf.greater(predictions, threshold).toFloat(), targets).toFloat();
      logs.val_accuracy = accuracy(correct, keep);
      const positive = scheduled.scheduledPositiveWeights;
      const negative = scheduled.scheduledNegativeWeights;
      const labelWeight =
        positive && negative
          ? targets.mul(tf.tensor1d(positive as number[])).add(
              tf
                .onesLike(targets)
                .sub(targets)
                .mul(tf.tensor1d(negative as number[])),
            )
          : tf.scalar(1);
      logs.val_weighted_accuracy = accuracy(correct, keep.mul(labelWeight).mul(bySample(targets)));
    }
    return logs;
  });
}
