import {
  InvalidInputError,
  countClasses,
  countLabels,
  parseWeightingSpec,
  resolveSchedules,
  resolveWeighting,
  sampleWeightStatistics,
} from '@weightspec/core';
import type { ClassStatistics, Clock, ResolvedWeighting, WeightingSpec, WeightingSpecInput } from '@weightspec/core';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from './tfjs-peer.ts';
import { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';
import type { TfjsWeightingExtras } from './tfjs-weighted-loss.ts';

/** A weighted loss bound to one spec and training set, for custom loops. */
export type TfjsWeightedLossFunction = (
  predictions: Tensor,
  targets: Tensor,
  extras?: TfjsWeightingExtras & { clock?: Clock },
) => Scalar;

/** A loss as `model.compile({ loss })` calls it: targets first, then the model's output. */
export type TfjsCompileLossFunction = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** Options of createTfjsWeightedLoss. */
export interface TfjsWeightedLossOptions {
  /** Class counts of the training set (every class strategy but `manual` needs them). */
  readonly stats?: ClassStatistics | null;
  /** C or K; inferred from the predictions' last axis when omitted. */
  readonly numClasses?: number;
  /** All per-sample weights of the training set, for `sample.normalize: mean_one`. */
  readonly sampleWeights?: ArrayLike<number> | null;
  /**
   * `true` returns `(yTrue, yPred) => loss` in the order `model.compile({ loss })` passes its arguments
   * (Keras' loss signature), evaluated at epoch 0 / step 0; softmax targets may then be one-hot.
   */
  readonly forCompile?: boolean;
}

/**
 * Softmax targets given one-hot ([..., C], the predictions' shape) become class indices [...] by argmax,
 * as Keras' categorical (not sparse) cross-entropy takes them; other targets pass unchanged.
 */
function classIndexTargets(tf: Tfjs, spec: WeightingSpec, predictions: Tensor, targets: Tensor): Tensor {
  if (spec.loss.kind !== 'softmax_cross_entropy') return targets;
  const sameShape =
    targets.rank === predictions.rank && targets.shape.every((size, axis) => size === predictions.shape[axis]);
  if (!sameShape) return targets;
  if (spec.elements?.maskValue !== undefined)
    throw new InvalidInputError(
      'targets',
      'one-hot targets cannot carry elements.maskValue; pass class indices [N, ...] with the mask value instead',
    );
  return tf.argMax(targets, -1).toFloat();
}

/**
 * Resolves a spec once against training-set statistics and returns a loss function for custom
 * training loops (`optimizer.minimize(() => loss(model.apply(x), y))`, `tf.variableGrads`): the
 * gradient flows through the loss and the focal modulator, never through the weights. Without
 * `numClasses`, the number of classes (or labels) is read from the predictions' last axis on the first
 * call (SPEC: C is the size of that axis); without `stats`, a counted class strategy (balanced, ...)
 * counts each batch's own targets, as SPEC says. Softmax targets may be class indices or one-hot.
 *
 * @example const loss = createTfjsWeightedLoss(tf, spec, { stats: countClasses(labels, 5) });
 * @example model.compile({ optimizer: 'adam', loss: createTfjsWeightedLoss(tf, spec, { forCompile: true }) });
 */
export function createTfjsWeightedLoss(
  tf: Tfjs,
  specDocument: WeightingSpecInput,
  options: TfjsWeightedLossOptions & { forCompile: true },
): TfjsCompileLossFunction;
export function createTfjsWeightedLoss(
  tf: Tfjs,
  specDocument: WeightingSpecInput,
  options?: TfjsWeightedLossOptions,
): TfjsWeightedLossFunction;
export function createTfjsWeightedLoss(
  tf: Tfjs,
  specDocument: WeightingSpecInput,
  options: TfjsWeightedLossOptions = {},
): TfjsWeightedLossFunction | TfjsCompileLossFunction {
  const spec: WeightingSpec = parseWeightingSpec(specDocument);
  const resolveFor = (numClasses: number | undefined): ResolvedWeighting =>
    resolveWeighting(spec, {
      stats: options.stats ?? null,
      numClasses,
      sampleWeights: options.sampleWeights ? sampleWeightStatistics(options.sampleWeights) : null,
    });
  // SPEC: class counts come from `stats`, else from the targets at hand, so a counted strategy without
  // stats is resolved on every batch from its own targets (masked elements not counted, pinned rule 3).
  const countsFromBatch = spec.class !== undefined && spec.class.strategy !== 'manual' && options.stats == null;
  // Resolve now when C is known (errors surface at creation), else once per C seen in the predictions.
  const knowsClasses = !countsFromBatch && (options.numClasses !== undefined || options.stats != null || !spec.class);
  const fixed = knowsClasses ? resolveFor(options.numClasses) : null;
  const byClassCount = new Map<number, ResolvedWeighting>();
  const resolvedFor = (predictions: Tensor, classTargets: Tensor): ResolvedWeighting => {
    if (fixed) return fixed;
    const classCount = predictions.rank >= 2 ? (predictions.shape[predictions.rank - 1] as number) : 1;
    if (countsFromBatch) {
      const values = classTargets.dataSync();
      const maskValue = spec.elements?.maskValue;
      const masked = Uint8Array.from(values, (value) => (value === maskValue ? 1 : 0));
      const stats =
        spec.loss.kind === 'softmax_cross_entropy'
          ? countClasses(values, classCount, masked)
          : countLabels(values, classCount, masked);
      return resolveWeighting(spec, {
        stats,
        numClasses: classCount,
        sampleWeights: options.sampleWeights ? sampleWeightStatistics(options.sampleWeights) : null,
      });
    }
    let resolved = byClassCount.get(classCount);
    if (!resolved) {
      resolved = resolveFor(classCount);
      byClassCount.set(classCount, resolved);
    }
    return resolved;
  };
  const loss: TfjsWeightedLossFunction = (predictions, targets, extras = {}) => {
    const clock = {
      epoch: extras.clock?.epoch ?? 0,
      step: extras.clock?.step ?? 0,
      totalEpochs: extras.clock?.totalEpochs,
      totalSteps: extras.clock?.totalSteps,
    };
    const classTargets = classIndexTargets(tf, spec, predictions, targets);
    const scheduled = resolveSchedules(spec, resolvedFor(predictions, classTargets), clock);
    return tfjsWeightedLoss(tf, spec, scheduled, predictions, classTargets, extras).loss;
  };
  if (options.forCompile) return (yTrue: Tensor, yPred: Tensor) => loss(yPred, yTrue);
  return loss;
}
