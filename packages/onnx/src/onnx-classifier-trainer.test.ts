import { describe, expect, it } from 'vitest';
import { createOnnxClassifierTrainer } from './onnx-classifier-trainer.ts';
import { loadOnnxRuntime } from './onnx-runtime-loader.ts';

const ort = await loadOnnxRuntime();

/** 600 rows of three features (float32-exact: multiples of 1/8); label = row mod 3. */
function table() {
  const rows = Array.from({ length: 600 }, (_, row) => [((row * 7) % 16) / 8, (row % 3) - 1, ((row * 5) % 9) / 8]);
  const labels = rows.map((_, row) => row % 3);
  return { rows, labels };
}

describe('createOnnxClassifierTrainer with a dense feature matrix', () => {
  it('declares denseFeatures and trains and predicts as with rows of numbers', async () => {
    // Reference: the same request as rows of numbers (the path onnx-trainer.test.ts checks against
    // PyTorch). The values are float32-exact, so the batches fed to ONNX Runtime are the same bytes and
    // the seeded runs must agree exactly.
    const { rows, labels } = table();
    const dense = { values: Float32Array.from(rows.flat()), rows: rows.length, columns: 3 };
    const trainer = await createOnnxClassifierTrainer({ ort });
    expect(trainer.denseFeatures).toBe(true);
    const request = { numClasses: 3, spec: null, epochs: 3, batchSize: 64, seed: 5, hiddenUnits: [8] };
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
    expect(predicted).toHaveLength(600);
  });
});
