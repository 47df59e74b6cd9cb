import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from './tfjs-peer.ts';

/**
 * Rows per forward pass when scoring a dense matrix: the chunk's hidden activations (rows x units) and
 * scores (rows x C) are the only tensors alive, a few hundred kB for the CLI's models.
 */
export const TFJS_PREDICT_CHUNK_ROWS = 8192;

/**
 * The most likely class (argmax of the model's output, first index on ties as tf.argMax) of each row of
 * a row-major float32 matrix [rows, columns], scored `chunkRows` rows at a time with one
 * `model.predictOnBatch` per chunk. Each chunk's input tensor views the caller's array (no copy), and
 * nothing outlives its chunk, so scoring 2M rows keeps no N x C output and makes no per-32-row
 * garbage (model.predict's default batches). Rows are scored independently, so the classes do not
 * depend on `chunkRows`.
 */
export function predictClassesInChunks(
  tf: Tfjs,
  model: LayersModel,
  matrix: { readonly values: Float32Array; readonly rows: number; readonly columns: number },
  chunkRows: number = TFJS_PREDICT_CHUNK_ROWS,
): Int32Array {
  const { values, rows, columns } = matrix;
  const predicted = new Int32Array(rows);
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    const chunk = values.subarray(start * columns, (start + count) * columns);
    const labels = tf.tidy(() => {
      const scores = model.predictOnBatch(tf.tensor2d(chunk, [count, columns])) as Tensor;
      return tf.argMax(scores, -1).dataSync();
    });
    predicted.set(labels, start);
  }
  return predicted;
}
