import type { ScheduledWeighting, WeightingSpec } from '@weightspec/core';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { tfjsElementTerms } from './tfjs-element-losses.ts';
import type { Tfjs } from './tfjs-peer.ts';

/** Rows per forward pass when ranking every training row by loss (curriculum `difficulty: loss`). */
export const TFJS_RANKING_CHUNK_ROWS = 8192;

/**
 * The model's mean raw loss per sample over its unmasked elements (difficulty for `difficulty: loss`),
 * computed `chunkRows` rows at a time: each chunk's predictions and loss terms are disposed before the
 * next, so ranking 1.5M rows never holds the N x C predictions of the whole set. Samples are scored
 * independently, so the losses do not depend on `chunkRows`.
 */
export function perSampleLossInChunks(
  tf: Tfjs,
  spec: WeightingSpec,
  scheduled: ScheduledWeighting,
  model: LayersModel,
  data: { readonly x: Tensor; readonly y: Tensor },
  chunkRows: number = TFJS_RANKING_CHUNK_ROWS,
): Float32Array {
  const count = data.x.shape[0] ?? 0;
  const losses = new Float32Array(count);
  for (let start = 0; start < count; start += chunkRows) {
    const size = Math.min(chunkRows, count - start);
    const chunk = tf.tidy(() => {
      const predictions = model.predictOnBatch(data.x.slice(start, size)) as Tensor;
      const terms = tfjsElementTerms(tf, spec, scheduled, predictions, data.y.slice(start, size));
      const shape = [terms.sampleCount, terms.elementCount];
      const kept = terms.keep.reshape(shape);
      const counts = tf.maximum(kept.sum(1), 1);
      return terms.rawLoss.reshape(shape).sum(1).div(counts).dataSync();
    });
    losses.set(chunk, start);
  }
  return losses;
}
