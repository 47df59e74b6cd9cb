/** Rows per forward run when the trainer ranks all rows by loss: one chunk's feeds are a few hundred kB. */
export const ONNX_RANKING_CHUNK_ROWS = 8192;

/**
 * Runs `score` over `indices` (or, when null, rows 0..count-1 in order) `chunkRows` rows at a time and
 * returns the per-row results in the same order: a whole-dataset forward pass (curriculum `difficulty:
 * loss`) then never builds an N x D copy of the features or an N x C one-hot, and no index array of N
 * rows exists for "all rows". The chunk index array is one reused buffer (`score` must not keep it).
 * Rows are scored independently, so the results do not depend on `chunkRows`.
 */
export async function scoreRowsInChunks(
  count: number,
  indices: ArrayLike<number> | null,
  score: (chunk: Int32Array) => Promise<ArrayLike<number>>,
  chunkRows: number = ONNX_RANKING_CHUNK_ROWS,
): Promise<Float32Array> {
  const results = new Float32Array(count);
  const buffer = new Int32Array(Math.max(1, Math.min(chunkRows, count)));
  for (let start = 0; start < count; start += buffer.length) {
    const size = Math.min(buffer.length, count - start);
    const chunk = buffer.subarray(0, size);
    for (let position = 0; position < size; position += 1)
      chunk[position] = indices === null ? start + position : (indices[start + position] as number);
    const scored = await score(chunk);
    for (let position = 0; position < size; position += 1) results[start + position] = scored[position] as number;
  }
  return results;
}
