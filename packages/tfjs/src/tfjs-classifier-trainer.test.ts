import { describe, expect, it } from 'vitest';
import { createTfjsClassifierTrainer } from './tfjs-classifier-trainer.ts';
import { cpuTfjs } from './tfjs-test-support.ts';

/** 300 rows of two float32-exact features (multiples of 1/4); label = row mod 2. */
function table() {
  const rows = Array.from({ length: 300 }, (_, row) => [((row * 3) % 8) / 4, (row % 2) - 0.5]);
  return { rows, labels: rows.map((_, row) => row % 2) };
}

describe('createTfjsClassifierTrainer with a dense feature matrix', () => {
  it('declares denseFeatures and trains and predicts as with rows of numbers', async () => {
    // Reference: the same seeded request as rows of numbers. The values are float32-exact, so the
    // tensor built from the Float32Array holds the same bytes and the runs must agree exactly.
    const { rows, labels } = table();
    const dense = { values: Float32Array.from(rows.flat()), rows: rows.length, columns: 2 };
    const trainer = await createTfjsClassifierTrainer({ backend: 'cpu', tf: await cpuTfjs() });
    expect(trainer.denseFeatures).toBe(true);
    const request = { numClasses: 2, spec: null, epochs: 2, batchSize: 50, seed: 3, hiddenUnits: [4] };
    const losses: { rows: number[]; dense: number[] } = { rows: [], dense: [] };
    const fromRows = await trainer.train({
      ...request,
      features: rows,
      labels,
      onProgress: (progress) => losses.rows.push(progress.loss),
    });
    const fromDense = await trainer.train({
      ...request,
      features: dense,
      labels: Int32Array.from(labels),
      onProgress: (progress) => losses.dense.push(progress.loss),
    });
    expect(losses.dense).toEqual(losses.rows);
    const predicted = await fromRows.predict(rows);
    expect(await fromDense.predict(dense)).toEqual(predicted);
    // The dense matrix was not consumed or changed by training (the tensor shares its memory).
    expect(Array.from(dense.values.subarray(0, 4))).toEqual([0, -0.5, 0.75, 0.5]);
    fromRows.dispose?.();
    fromDense.dispose?.();
  });
});
