import { ZeroDenominatorError, checkFloat32Range, checkFloat32Result, scaleWeightsForFloat32 } from '@weightspec/core';
import type { WeightingAdapter, WeightingComputation, WeightingResult } from '@weightspec/core';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTfjs, useTfjsBackend } from './tfjs-peer.ts';
import type { Tfjs, TfjsBackendName } from './tfjs-peer.ts';
import { tfjsWeightedLoss } from './tfjs-weighted-loss.ts';

/**
 * Each sample's 0-based rank by difficulty ascending (ties to the lower index), ordered in float64: the
 * curriculum ranks these exact small integers in float32 instead of difficulties that float32 would
 * round together (1.00000002 and 1.00000001) or overflow (1e39). Ranking ranks gives the same order.
 */
function float64Ranks(difficulty: Float64Array): Float64Array {
  const order = Array.from(difficulty.keys()).sort(
    (left, right) => (difficulty[left] as number) - (difficulty[right] as number) || left - right,
  );
  const ranks = new Float64Array(difficulty.length);
  order.forEach((sample, position) => {
    ranks[sample] = position;
  });
  return ranks;
}

/** Options of createTfjsWeightingAdapter. */
export interface TfjsWeightingAdapterOptions {
  readonly backend?: TfjsBackendName;
  /** Your `@tensorflow/tfjs` namespace; imported lazily when omitted. */
  readonly tf?: Tfjs;
}

/**
 * The TensorFlow.js adapter for the conformance suite (ids `tfjs-cpu`, `tfjs-wasm`): loss and weights
 * from tfjs ops, the gradient from tfjs autodiff (`tf.valueAndGrad`). tfjs computes in float32, so the
 * adapter asks for a tolerance floor of 2e-4 relative / 1e-5 absolute (float32 carries ~7 digits; sums
 * of a few hundred terms and log/exp lose about two).
 */
export async function createTfjsWeightingAdapter(options: TfjsWeightingAdapterOptions = {}): Promise<WeightingAdapter> {
  const backend = options.backend ?? 'cpu';
  const tf = options.tf ?? (await loadTfjs());
  await useTfjsBackend(tf, backend);
  return {
    id: `tfjs-${backend}`,
    specVersions: [1],
    capabilities: { unsupported: {} },
    minimumTolerance: { relative: 2e-4, absolute: 1e-5 },
    async computeWeightedLoss(given: WeightingComputation): Promise<WeightingResult> {
      if (tf.getBackend() !== backend) await useTfjsBackend(tf, backend);
      // SPEC pinned rule 11: values beyond float32 are an input error; weights are combined in float64
      // and rescaled by their maximum before the float32 cast, the scale multiplied back in float64.
      checkFloat32Range(given.batch);
      const { computation, weightFactor, lossFactor } = scaleWeightsForFloat32(given);
      const { spec, scheduled, batch, wantGradient } = computation;
      const reduction = spec.reduction ?? { kind: 'weighted_mean', zeroDenominator: 'zero' };
      if (batch.sampleCount * batch.elementCount === 0) {
        if (reduction.zeroDenominator === 'error') throw new ZeroDenominatorError(reduction.kind, 'the batch is empty');
        const loss = reduction.zeroDenominator === 'nan' ? Number.NaN : 0;
        return {
          loss,
          weights: new Float64Array(batch.sampleCount * batch.elementCount),
          gradient: loss === 0 ? new Float64Array(batch.predictions.length) : null,
        };
      }
      tf.engine().startScope();
      try {
        const predictions = tf.tensor(Array.from(batch.predictions), [...batch.predictionShape], 'float32');
        const targets = tf.tensor1d(Array.from(batch.targets), 'float32');
        const extras = {
          sampleWeights: batch.sampleWeights,
          elementWeights: batch.elementWeights
            ? tf.tensor2d(Array.from(batch.elementWeights), [batch.sampleCount, batch.elementCount])
            : null,
          difficulty: batch.difficulty ? float64Ranks(batch.difficulty) : null,
        };
        let weights: Tensor | null = null;
        const lossOf = (input: Tensor) => {
          const result = tfjsWeightedLoss(tf, spec, scheduled, input, targets, extras);
          // valueAndGrad disposes what the function made; keep the weights past it.
          weights = tf.keep(result.weights);
          return result.loss;
        };
        if (!wantGradient) {
          const loss = lossOf(predictions).dataSync()[0] as number;
          const result = {
            loss: loss * lossFactor,
            weights: Float64Array.from((weights as unknown as Tensor).dataSync(), (value) => value * weightFactor),
            gradient: null,
          };
          (weights as unknown as Tensor).dispose();
          return checkFloat32Result(result, computation);
        }
        const { value, grad } = tf.valueAndGrad(lossOf)(predictions);
        const result = {
          loss: (value.dataSync()[0] as number) * lossFactor,
          weights: Float64Array.from((weights as unknown as Tensor).dataSync(), (value) => value * weightFactor),
          gradient: Float64Array.from(grad.dataSync(), (value) => value * lossFactor),
        };
        (weights as unknown as Tensor).dispose();
        return checkFloat32Result(result, computation);
      } finally {
        tf.engine().endScope();
      }
    },
  };
}
