import type { OnnxRuntimeLike } from './onnx-fine-tuner-types.ts';

/**
 * Rows per inference run when scoring a dense matrix: the input copy (rows x D) and the probabilities
 * (rows x C) of one chunk are the only buffers it allocates, a few hundred kB for the CLI's models.
 */
export const ONNX_PREDICT_CHUNK_ROWS = 8192;

/**
 * The most likely class of each row of a row-major float32 matrix [rows, columns] under an inference
 * model (input `x` [N, D], output `probabilities` [N, C], as exportInferenceModel writes): one session
 * for all chunks, each chunk copied into one reused input buffer, the argmax taken straight from the
 * output array (first index of the maximum, as `row.indexOf(Math.max(...row))`; a row holding NaN gets
 * -1, so a caller checking the class range reports it instead of scoring NaN). Rows are scored
 * independently, so the classes do not depend on `chunkRows`; no N x C output or per-row arrays exist.
 */
export async function predictClassesInChunks(
  ort: OnnxRuntimeLike,
  model: Uint8Array,
  matrix: { readonly values: Float32Array | Float64Array; readonly rows: number; readonly columns: number },
  options: { readonly numClasses: number; readonly chunkRows?: number; readonly threads?: number },
): Promise<Int32Array> {
  const { values, rows, columns } = matrix;
  const { numClasses } = options;
  const chunkRows = Math.max(1, Math.min(options.chunkRows ?? ONNX_PREDICT_CHUNK_ROWS, rows));
  const predicted = new Int32Array(rows);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: options.threads ?? 2,
    interOpNumThreads: 1,
  });
  try {
    // Reused for every chunk (the last one views its front): a copy also casts float64 rows to float32.
    const input = new Float32Array(chunkRows * columns);
    for (let start = 0; start < rows; start += chunkRows) {
      const count = Math.min(chunkRows, rows - start);
      const chunk = input.subarray(0, count * columns);
      chunk.set(values.subarray(start * columns, (start + count) * columns));
      const result = await session.run({ x: new ort.Tensor('float32', chunk, [count, columns]) });
      const probabilities = result.probabilities?.data as Float32Array;
      for (let row = 0; row < count; row += 1) {
        let best = -1;
        let bestValue = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < numClasses; k += 1) {
          const value = probabilities[row * numClasses + k] as number;
          if (Number.isNaN(value)) {
            best = -1;
            break;
          }
          if (best === -1 || value > bestValue) {
            best = k;
            bestValue = value;
          }
        }
        predicted[start + row] = best;
      }
    }
  } finally {
    await session.release();
  }
  return predicted;
}
