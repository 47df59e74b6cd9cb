import { parseWeightingSpec, resolveSchedules, resolveWeighting, sampleWeightStatistics } from '@weightspec/core';
import type { ClassStatistics, Clock, WeightingSpec } from '@weightspec/core';
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

/**
 * Resolves a spec once against training-set statistics and returns a loss function for custom
 * training loops (`optimizer.minimize(() => loss(model.apply(x), y))`, `tf.variableGrads`): the
 * gradient flows through the loss and the focal modulator, never through the weights.
 *
 * @example const loss = createTfjsWeightedLoss(tf, spec, { stats: countClasses(labels, 5) });
 */
export function createTfjsWeightedLoss(
  tf: Tfjs,
  specDocument: unknown,
  options: { stats?: ClassStatistics | null; numClasses?: number; sampleWeights?: ArrayLike<number> | null } = {},
): TfjsWeightedLossFunction {
  const spec: WeightingSpec = parseWeightingSpec(specDocument);
  const resolved = resolveWeighting(spec, {
    stats: options.stats ?? null,
    numClasses: options.numClasses,
    sampleWeights: options.sampleWeights ? sampleWeightStatistics(options.sampleWeights) : null,
  });
  return (predictions, targets, extras = {}) => {
    const clock = {
      epoch: extras.clock?.epoch ?? 0,
      step: extras.clock?.step ?? 0,
      totalEpochs: extras.clock?.totalEpochs,
      totalSteps: extras.clock?.totalSteps,
    };
    return tfjsWeightedLoss(tf, spec, resolveSchedules(spec, resolved, clock), predictions, targets, extras).loss;
  };
}
